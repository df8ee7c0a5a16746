"""Learning events: their sessions, presentations and speaker links, and the topics they are filed under."""
