"""Shared glue: the model base, the API class, error handling, authentication and access rules."""
