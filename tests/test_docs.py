"""The README stays true: every setting and every error code is documented."""

from __future__ import annotations

import dataclasses
import re

from server import errors
from server.cli import ENV, serve
from server.config import ROOT, Settings

README = (ROOT / "README.md").read_text()


def test_every_setting_has_a_variable_a_flag_and_a_readme_row() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)} - {"templates_dir"}
    assert fields == set(ENV)
    flags = {opt for param in serve.params for opt in getattr(param, "opts", [])}
    for name, variable in ENV.items():
        assert f"`{variable}`" in README, variable
        if name != "admin_token":  # a secret belongs in the environment, not in `ps`
            flag = "--" + {"database_url": "database", "redis_url": "redis"}.get(
                name, name.replace("_", "-")
            )
            assert flag in flags and f"`{flag}`" in README, flag


def test_every_error_code_is_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \| \d{3} \|", README, re.M))
    codes = {e.code for e in errors.ALL_ERRORS} - {"bad_request"}
    assert codes <= documented, codes - documented
