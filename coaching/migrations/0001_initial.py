"""The coaching app takes over four models of `programmes` without moving their rows: the models enter this
app's state over the tables they had (programmes 0010 takes them off programmes' state), and the content
types (so permissions and admin history follow them) and the audit events naming them are relabelled."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

from alwaysevents.model_moves import relabel_moved_models

MOVED_MODELS = ["coachingcall", "callaction", "monthlyreturn", "dashboardentry"]


def forwards(apps, schema_editor):
    relabel_moved_models(apps, models=MOVED_MODELS, old="programmes", new="coaching")


def backwards(apps, schema_editor):
    relabel_moved_models(apps, models=MOVED_MODELS, old="coaching", new="programmes")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('coproduction', '0005_about_you'),
        ('measurement', '0005_measure_gap_as_measure_stratified_by_stratumpoint'),
        ('programmes', '0009_dashboard_entry_names'),
        ('alwaysevents', '0002_auditevent_project_id_auditevent_audit_project_time'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CoachingCall',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('kind', models.CharField(choices=[('coaching', 'Coaching call'), ('leadership', 'Leadership call'), ('all_site', 'All-site call'), ('site_visit', 'Site visit')], default='coaching', max_length=20, verbose_name='Type')),
                        ('scheduled_for', models.DateTimeField()),
                        ('attendees', models.TextField(blank=True, help_text='Names of the staff taking part, one a line.')),
                        ('notes', models.TextField(blank=True)),
                        ('group_id', models.UUIDField(blank=True, db_index=True, editable=False, null=True)),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.organisation')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='coproduction.project')),
                    ],
                    options={
                        'db_table': 'programmes_coachingcall',
                        'ordering': ['-scheduled_for'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='CallAction',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('text', models.CharField(max_length=300, verbose_name='Action')),
                        ('owner', models.CharField(blank=True, help_text='The name of who will do it.', max_length=120)),
                        ('due_on', models.DateField(blank=True, null=True)),
                        ('done_on', models.DateField(blank=True, null=True)),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.organisation')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='coproduction.project')),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='coaching.coachingcall')),
                    ],
                    options={
                        'db_table': 'programmes_callaction',
                        'ordering': ['due_on', 'created_at'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='DashboardEntry',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('project_title', models.CharField(default='', max_length=200)),
                        ('organisation_name', models.CharField(default='', max_length=200)),
                        ('organisation_kind', models.CharField(default='', max_length=20)),
                        ('organisation_ods_code', models.CharField(blank=True, default='', max_length=20)),
                        ('system_name', models.CharField(blank=True, default='', max_length=200)),
                        ('cohort_name', models.CharField(default='', max_length=100)),
                        ('programme_name', models.CharField(default='', max_length=200)),
                        ('phase_order', models.PositiveSmallIntegerField(default=0)),
                        ('phase_name', models.CharField(default='', max_length=100)),
                        ('suggested_score', models.DecimalField(decimal_places=1, max_digits=2)),
                        ('latest_value', models.FloatField(blank=True, null=True)),
                        ('latest_start', models.DateField(blank=True, null=True)),
                        ('variation_icon', models.CharField(blank=True, max_length=40)),
                        ('assurance_icon', models.CharField(blank=True, max_length=40)),
                        ('icon_group', models.CharField(max_length=20)),
                        ('last_data_entry', models.DateTimeField(blank=True, null=True)),
                        ('return_month', models.DateField(help_text='The month whose return the status is of: the previous one.')),
                        ('return_status', models.CharField(choices=[('submitted', 'Submitted'), ('draft', 'Draft'), ('missing', 'Not started')], max_length=10)),
                        ('unresolved_comments', models.PositiveIntegerField(default=0)),
                        ('next_call', models.DateTimeField(blank=True, null=True)),
                        ('last_coaching_call', models.DateTimeField(blank=True, null=True)),
                        ('partners', models.JSONField(blank=True, default=list)),
                        ('equity', models.JSONField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(db_index=True, help_text='When a fact moves with the clock alone.')),
                        ('aim_measure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='measurement.measure')),
                        ('cohort', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.cohort')),
                        ('enrolment', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.enrolment')),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.organisation')),
                        ('phase', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.phase')),
                        ('programme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.programme')),
                        ('project', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dashboard_entry', to='coproduction.project')),
                        ('system', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.organisation')),
                    ],
                    options={
                        'verbose_name_plural': 'dashboard entries',
                        'db_table': 'programmes_dashboardentry',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='MonthlyReturn',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('month', models.DateField(help_text='The first day of the month.')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=10)),
                        ('snapshot', models.JSONField(blank=True, default=dict, editable=False)),
                        ('barriers', models.TextField(blank=True)),
                        ('help_wanted', models.TextField(blank=True)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('reminded_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('organisation', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.organisation')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='coproduction.project')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'programmes_monthlyreturn',
                        'ordering': ['-month'],
                        'abstract': False,
                    },
                ),
                migrations.AddIndex(
                    model_name='coachingcall',
                    index=models.Index(fields=['project', 'scheduled_for'], name='call_project_when'),
                ),
                migrations.AddConstraint(
                    model_name='coachingcall',
                    constraint=models.UniqueConstraint(fields=('organisation', 'id'), name='programmes_coachingcall_org_id'),
                ),
                migrations.AddConstraint(
                    model_name='callaction',
                    constraint=models.UniqueConstraint(fields=('organisation', 'id'), name='programmes_callaction_org_id'),
                ),
                migrations.AddConstraint(
                    model_name='dashboardentry',
                    constraint=models.UniqueConstraint(fields=('organisation', 'id'), name='programmes_dashboardentry_org_id'),
                ),
                migrations.AddConstraint(
                    model_name='monthlyreturn',
                    constraint=models.UniqueConstraint(fields=('organisation', 'id'), name='programmes_monthlyreturn_org_id'),
                ),
                migrations.AddConstraint(
                    model_name='monthlyreturn',
                    constraint=models.UniqueConstraint(fields=('project', 'month'), name='one_return_per_project_month'),
                ),
                migrations.AddConstraint(
                    model_name='monthlyreturn',
                    constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='return_month_is_first_day'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
