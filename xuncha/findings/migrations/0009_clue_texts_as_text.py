from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("findings", "0008_remove_evidence_owners")]

    operations = [
        # A Fernet token of 200 characters is far longer than 200: the column becomes text before it is encrypted.
        migrations.AlterField(
            model_name="clue",
            name="subject",
            field=models.TextField(help_text="Name and post", max_length=200, verbose_name="person concerned"),
        ),
    ]
