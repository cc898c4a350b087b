"""`Project` moved from coproduction to the projects app (projects 0001) over the same table: the keys to it
point at projects in Django's state, and the database is left as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0001_initial'),
        ('reports', '0005_reportrun_call_in_coaching'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='reportrun',
                    name='project',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
            ],
            database_operations=[],
        ),
    ]
