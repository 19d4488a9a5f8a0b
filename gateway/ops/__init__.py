"""Production operations: health endpoints, request logs, caches of hot rows, throttling."""
