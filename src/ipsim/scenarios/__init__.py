"""Scenarios shipped with ipsim, each a question a planner would ask (see ``ipsim list``)."""
