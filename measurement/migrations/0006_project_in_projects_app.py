"""`Project` moved from coproduction to the projects app (projects 0001) over the same table: the keys to it
point at projects in Django's state, and the database is left as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measurement', '0005_measure_gap_as_measure_stratified_by_stratumpoint'),
        ('projects', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='measure',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
            ],
            database_operations=[],
        ),
    ]
