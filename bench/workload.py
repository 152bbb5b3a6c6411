"""What every system runs: the shapes and how many of each. One definition, handed to each
system's subprocess as JSON, so devhost and the peers run the same counts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

AGENT_FAN_OUT = "agent_fan_out"
"""1 plan activity, 3 parallel activities, 1 aggregate activity."""
HELLO_SEQUENCE5 = "hello_sequence5"
"""5 activities one after another."""
CHAIN = "chain"
"""`chain_steps` activities one after another."""
WIDE_FAN_OUT = "wide_fan_out"
"""One orchestration fanning out to `fan_out_width` activities."""

AGENT_FAN_OUT_ACTIVITIES = 5


@dataclass(frozen=True)
class Workload:
    """Counts of one benchmark run."""

    warmup_runs: int = 20
    latency_runs: int = 200
    concurrent_starts: int = 1000
    throughput_runs: int = 3
    chain_steps: int = 200
    chain_runs: int = 5
    fan_out_width: int = 1000
    fan_out_runs: int = 3
    phase_timeout_seconds: float = 240.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value < (0 if name == "warmup_runs" else 1):
                raise ValueError(f"{name} must be >= {0 if name == 'warmup_runs' else 1}")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Workload:
        return cls(**json.loads(text))


FULL = Workload()
QUICK = Workload(
    warmup_runs=5,
    latency_runs=30,
    concurrent_starts=200,
    throughput_runs=1,
    chain_runs=2,
    fan_out_runs=1,
    phase_timeout_seconds=90.0,
)
