"""Durable names of the app's functions and events. Renaming one breaks runs in flight, so
they live here, with no dependencies, and nowhere else."""

COORDINATOR = "coordinator"
AGENT_RUN = "agent_run"
APPROVAL = "approval"
BATCH_SWEEP = "batch_sweep"
SELF_TEST = "self_test_run"

PLAN = "plan"
LLM_STEP = "llm_step"
MCP_TOOL = "mcp_tool"
LIST_AGENT_TOOLS = "list_agent_tools"
SYNTHESIZE = "synthesize"
RECORD_WORKFLOW = "record_workflow"
RECORD_AUDIT = "record_audit"
CHECK_APPROVAL = "check_approval"
SELF_TEST_AGENT = "self_test"
SELF_TEST_AGENTS = "self_test_agents"
FIND_SWEEP_TARGETS = "find_sweep_targets"
SEAL_INPUTS = "seal_inputs"
ADMIT_INPUT = "admit_input"
A2A_SEND = "a2a_send"
A2A_GET_TASK = "a2a_get_task"
A2A_CANCEL_TASK = "a2a_cancel_task"

APPROVAL_EVENT = "approval"

PUBLIC_ORCHESTRATORS = frozenset({COORDINATOR, BATCH_SWEEP})
INTERNAL_ORCHESTRATORS = frozenset({AGENT_RUN, APPROVAL, SELF_TEST})
"""Started only by the coordinator, on inputs it sealed (`core.auth.input_proofs`)."""
