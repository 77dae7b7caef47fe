"""Operations: `/healthz` for load balancers and monitoring, and beat's heartbeat it reads."""
