"""The projects app takes `Project` over from coproduction without moving its rows: the model enters this
app's state over its table (coproduction 0006 takes it off coproduction's state), and its content type and
the audit events naming it are relabelled."""

import django.db.models.deletion
import uuid
from django.db import migrations, models

from alwaysevents.model_moves import relabel_moved_models


def forwards(apps, schema_editor):
    relabel_moved_models(apps, models=["project"], old="coproduction", new="projects")


def backwards(apps, schema_editor):
    relabel_moved_models(apps, models=["project"], old="projects", new="coproduction")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('programmes', '0010_coaching_models_moved'),
        ('coproduction', '0005_about_you'),
        ('alwaysevents', '0002_auditevent_project_id_auditevent_audit_project_time'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Project',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('title', models.CharField(max_length=200)),
                        ('area_of_focus', models.CharField(help_text="The service or pathway, for example children's outpatients.", max_length=200)),
                        ('progress_score_override', models.DecimalField(blank=True, decimal_places=1, max_digits=2, null=True)),
                        ('progress_score_reason', models.TextField(blank=True)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='programmes.enrolment')),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.organisation')),
                        ('phase', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='programmes.phase')),
                        ('place', models.ForeignKey(blank=True, help_text='The place within the system the project belongs to, if any.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='projects', to='programmes.place')),
                    ],
                    options={
                        'db_table': 'coproduction_project',
                        'ordering': ['title'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'id'), name='coproduction_project_org_id')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
