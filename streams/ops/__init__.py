"""Operations tooling beside the pipeline: the live dashboard (``newsstream dashboard``)."""
