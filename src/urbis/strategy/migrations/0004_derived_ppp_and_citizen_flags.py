"""PPP and citizen-driven become derived (issue 19): the action–organisation link gets a role
(a private partner under a PPP agreement) and the two hand-set flags become an optional override.

The plain many-to-many table of partners is kept with its rows: the explicit link model takes it
over in the migration state only, then gains its new columns."""

import django.db.models.deletion
from django.db import migrations, models


def defaults_are_not_overrides(apps, schema_editor):
    # Before, "no" was the default of every action, not a decision: it becomes "derive".
    # "Yes" was set by hand: it stays, as an override.
    Action = apps.get_model("strategy", "Action")
    Action.objects.filter(is_ppp=False).update(is_ppp=None)
    Action.objects.filter(is_citizen_driven=False).update(is_citizen_driven=None)


def back_to_flags(apps, schema_editor):
    Action = apps.get_model("strategy", "Action")
    Action.objects.filter(is_ppp__isnull=True).update(is_ppp=False)
    Action.objects.filter(is_citizen_driven__isnull=True).update(is_citizen_driven=False)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_alter_organisation_kind"),
        ("strategy", "0003_strategy_is_illustrative"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActionPartner",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("action", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="partner_links", to="strategy.action",
                            verbose_name="action")),
                        ("organisation", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="action_partner_links", to="people.organisation",
                            verbose_name="organisation")),
                    ],
                    options={
                        "verbose_name": "action partner",
                        "verbose_name_plural": "action partners",
                        "db_table": "strategy_action_partners",
                        "ordering": ["action", "organisation__name"],
                    },
                ),
                migrations.AlterField(
                    model_name="action",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True, related_name="strategy_partnerships",
                        through="strategy.ActionPartner", to="people.organisation",
                        verbose_name="partner organisations"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="actionpartner",
            name="role",
            field=models.CharField(
                choices=[("partner", "Partner"),
                         ("ppp", "Private partner under a PPP agreement")],
                default="partner", max_length=16, verbose_name="role"),
        ),
        migrations.AddField(
            model_name="actionpartner",
            name="agreement",
            field=models.CharField(
                blank=True, help_text="The agreement's reference or link (for a PPP partner).",
                max_length=300, verbose_name="PPP agreement"),
        ),
        migrations.AddConstraint(
            model_name="actionpartner",
            constraint=models.UniqueConstraint(fields=("action", "organisation"),
                                               name="one_partner_link_per_organisation"),
        ),
        migrations.AlterField(
            model_name="action",
            name="is_citizen_driven",
            field=models.BooleanField(
                blank=True, default=None,
                help_text="Empty: derived from the citizens' ideas (an accepted idea linked to "
                          "the action). Yes or no: set by hand, shown as an override.",
                null=True, verbose_name="citizen-driven (override)"),
        ),
        migrations.AlterField(
            model_name="action",
            name="is_ppp",
            field=models.BooleanField(
                blank=True, default=None,
                help_text="Empty: derived from the partners (a private partner under a PPP "
                          "agreement). Yes or no: set by hand, shown as an override.",
                null=True, verbose_name="public-private partnership (override)"),
        ),
        migrations.RunPython(defaults_are_not_overrides, back_to_flags),
    ]
