"""Materials: files and links attached to presentations or events, with their versions."""
