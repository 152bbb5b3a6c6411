"""What several ways in share: the run access rule, approval decisions, instance ids and
lookups, starting and ending runs, coordinator runs on behalf of another agent, errors and
their JSON answers, the caller's identity, the API's models and route templates."""
