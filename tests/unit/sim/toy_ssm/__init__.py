"""A small Parameter Store, built only from the recipe in docs/simulator.md ("Adding a service")."""
