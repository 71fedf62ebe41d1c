"""Shared glue below every feature: the model base, the API class and error shape, engine settings, the clock and weeks, schema field rules, and the @public view marker."""
