"""Operations: health endpoints, the request log, metrics and traces."""
