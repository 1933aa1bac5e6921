"""The database cache's table (the default cache, settings.MOFAN_CACHE_URL), so that
``migrate`` alone prepares a server; createcachetable skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_data_version")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
