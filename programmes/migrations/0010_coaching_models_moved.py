"""Coaching calls, their actions, monthly returns and dashboard entries now belong to the coaching app
(coaching 0001 takes them over): they leave programmes' state, and their tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0009_dashboard_entry_names'),
        ('coaching', '0001_initial'),
        # Every foreign key to the moved models points at coaching first.
        ('reports', '0005_reportrun_call_in_coaching'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='CallAction'),
                migrations.DeleteModel(name='CoachingCall'),
                migrations.DeleteModel(name='MonthlyReturn'),
                migrations.DeleteModel(name='DashboardEntry'),
            ],
            database_operations=[],
        ),
    ]
