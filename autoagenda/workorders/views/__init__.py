"""The work-order pages (mounted at /work-orders/, namespace "workorders"): thin views over services.py and
selectors.py. `pages` is the work-order page and its actions, `create` the three ways to open one, `boards` the
desk's job board and the mechanic's board, `client` the client's list and the estimate page of the signed link."""
