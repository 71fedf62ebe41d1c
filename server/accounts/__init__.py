"""Users, passwords, devices and the bearer tokens bound to them."""
