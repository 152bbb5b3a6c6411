"""The customer-support agent: customers, orders and support tickets of an online retailer."""
