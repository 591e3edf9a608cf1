"""A minimal site around django-helpdesk 2.6.1, for bench/peer only: its ticket API under
gunicorn with persistent connections, as our own product runs there."""
