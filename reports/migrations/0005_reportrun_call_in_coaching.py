"""A pack run's call is now `coaching.CoachingCall`: the same table, so only the state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coaching', '0001_initial'),
        ('reports', '0004_report_parts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='reportrun',
                    name='call',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='pack_runs', to='coaching.coachingcall'),
                ),
            ],
            database_operations=[],
        ),
    ]
