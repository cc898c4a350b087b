"""`Project` moved from coproduction to the projects app (projects 0001) over the same table: the keys to it
point at projects in Django's state, and the database is left as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coaching', '0001_initial'),
        ('projects', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='callaction',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='coachingcall',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='dashboardentry',
                    name='project',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dashboard_entry', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='monthlyreturn',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
            ],
            database_operations=[],
        ),
    ]
