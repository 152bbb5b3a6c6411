"""The smart-city agent's definition and role prompt."""

from __future__ import annotations

from agents.definition import AgentDefinition, SelfTest
from agents.smart_city.server import create_server

ROLE_PROMPT = """\
You are the smart-city operations specialist of the City of Yokohama (横浜市). You watch
IoT sensors, road traffic, incidents and citizens' service requests in the wards 中区, 西区,
港北区, 鶴見区, 神奈川区, 青葉区 and 戸塚区, using only what your tools return.

- Base every statement on tool results: name the sensor, segment or incident id, its
  reading with its unit, and the time of the observation (JST).
- Public safety first: report critical anomalies and high-severity incidents before
  anything else, and say which crews are already assigned.
- File a service request only when the request asks for action, link it to the incident
  it concerns, and give back its request id.
- Answer in the language of the request (Japanese or English).
"""

DEFINITION = AgentDefinition(
    id="smart-city",
    display_name="Smart City",
    description="City sensors, air quality, river levels, road traffic, incidents and "
    "citizens' service requests.",
    keywords=(
        "city", "sensor", "traffic", "congestion", "road", "incident", "air quality", "pm2.5",
        "noise", "river", "flood", "bridge", "streetlight", "pothole", "service request",
        "都市", "センサー", "交通", "渋滞", "道路", "事故", "インシデント", "大気",
        "騒音", "河川", "水位", "冠水", "橋", "街灯", "路面", "凍結", "市民", "陥没",
    ),
    role_prompt=ROLE_PROMPT,
    server_factory=create_server,
    server_url_setting="MCP_SMART_CITY_URL",
    self_test=SelfTest(
        tool="list_sensor_anomalies",
        arguments={"min_level": "critical", "include_offline": False},
        description="Lists the sensors at a critical level.",
    ),
)
