"""Background jobs: the tasks that run outside a web request, and what the platform keeps about
them (progress, the workers that are alive, recovery of jobs a dead worker left behind).

Jobs are Django tasks (the ``django-tasks`` backport of ``django.tasks``) stored by the
database backend, so the queue lives in the platform's own database and needs no other server.
``urbis worker`` runs them; see docs/ARCHITECTURE.md ("Background jobs").
"""
