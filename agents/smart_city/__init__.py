"""The smart-city agent: sensors, traffic, incidents and citizen service requests of Yokohama."""
