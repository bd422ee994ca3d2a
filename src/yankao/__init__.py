"""Yankao (研考): one platform for a city's Research, Development and Evaluation Commission."""
