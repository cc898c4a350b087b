"""`Project` leaves coproduction's state for the projects app (projects 0001), once every key to it points
there; its table, `coproduction_project`, stays where it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        # Every key to the model points at projects first.
        ('accounts', '0003_project_in_projects_app'),
        ('coaching', '0002_project_in_projects_app'),
        ('coproduction', '0005_about_you'),
        ('measurement', '0006_project_in_projects_app'),
        ('projects', '0001_initial'),
        ('reports', '0006_project_in_projects_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='project',
                    name='coproduction_project_org_id',
                ),
                migrations.AlterField(
                    model_name='changeideadriver',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='sessionattendance',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='codesignsession',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='statement',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='driver',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='candidatetheme',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='changeideapartner',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='sessionpartner',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='checklisttick',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='projectpartner',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='theme',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='candidateevent',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='collectionlink',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='changeidea',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='criterionassessment',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='ramp',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='pdsaquestion',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='teammember',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='changeideasession',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='pdsacyclepartner',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='response',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='comment',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='pdsacycle',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.AlterField(
                    model_name='responsetheme',
                    name='project',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project'),
                ),
                migrations.DeleteModel(
                    name='Project',
                ),
            ],
            database_operations=[],
        ),
    ]
