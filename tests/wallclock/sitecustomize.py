"""Python runs this at start-up when this directory is on PYTHONPATH: it shifts the process's
wall clock when AFTERSALES_TEST_CLOCK asks for it (see aftersales_wallclock.py)."""

import aftersales_wallclock

aftersales_wallclock.start()
