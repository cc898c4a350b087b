"""Report runs and exports arrive with the dashboards and reports issue."""
