"""The demo data `make run` starts with: `data` is the data set, `loader` writes it.

The commands `load_demo` and `demo_logins` (site/management/commands) use them.
"""
