"""The container files in deploy/ stay consistent with the code they package (issue 10).

No Docker engine needed: the compose file is read as YAML (compose's `${...}` substitution done
here with the values of deploy/.env.example plus generated secrets), the Dockerfiles with the
`dockerfile` package (Docker's own parser). `docker compose config` and `caddy validate` run when
those programs are installed and are skipped, saying so, when they are not.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import dockerfile
import pytest
import yaml
from dotenv import dotenv_values
from pydantic import ValidationError

from bench.system import procfile_commands
from bridge.core.config import PROJECT_ROOT, Settings
from connectors.telegram.settings import TelegramSettings
from scripts.run import production_env

DEPLOY = PROJECT_ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
# The container that runs each process of Procfile.productie (`ready` only waits for the others).
CONTAINER_OF_PROCESS = {"rasa": "rasa-1", "actions": "actions", "bridge": "bridge", "telegram": "telegram"}
# Options whose values differ on purpose between one machine and a container: interfaces, ports,
# worker counts and secrets come from the environment; the endpoints file is compared on its own.
VARYING_OPTIONS = {"-i", "--host", "-p", "--port", "--workers", "--model", "--endpoints", "--auth-token"}
# uvicorn trusts X-Forwarded-* only in containers, where a proxy is always in front.
CONTAINER_ONLY_OPTIONS = {"--proxy-headers"}
# Variables compose reads for itself, not for a service.
COMPOSE_OWN_VARIABLES = {"COMPOSE_PROJECT_NAME"}
_VARIABLE = re.compile(r"\$\{(\w+)(:?[-?])?([^}]*)\}")
_URL = re.compile(r"\b[a-z][a-z0-9+]*://[^\s,]+")


# --- reading the files ---------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def strings(node: Any) -> Iterator[str]:
    """Every string value of the compose file (compose substitutes in values, not in comments)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def variables_used() -> list[tuple[str, str, str]]:
    """(name, operator, argument) of every `${...}` in the compose file."""
    return [found for value in strings(compose()) for found in _VARIABLE.findall(value)]


def required_variables() -> set[str]:
    """Variables compose refuses to run without (`${NAME:?message}`)."""
    return {name for name, operator, _ in variables_used() if operator.endswith("?")}


@cache
def filled_variables() -> dict[str, str]:
    """deploy/.env.example as an operator fills it in: a value for everything compose requires."""
    values = {name: value or "" for name, value in dotenv_values(ENV_EXAMPLE).items()}
    for name in required_variables():
        if not values.get(name):
            values[name] = "elkedeur.example.nl" if name == "ELKEDEUR_DOMAIN" else secrets.token_urlsafe(32)
    return values


def substitute(text: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`; `$$` is a literal `$`."""

    def value(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        if variables.get(name):
            return variables[name]
        if operator and operator.endswith("?"):
            raise KeyError(f"{name} is required: {argument}")
        return argument if operator else ""

    return _VARIABLE.sub(value, text).replace("$$", "$")


def bridge_settings() -> Settings:
    """The bridge's settings as the compose file sets them (nothing from the shell or a .env file)."""
    return Settings(_env_file=None, **{k.lower(): v for k, v in environment("bridge").items()})  # type: ignore[call-arg]


def environment(service: str) -> dict[str, str]:
    """The environment compose gives a service, with deploy/.env filled in."""
    raw = services()[service].get("environment", {})
    return {name: substitute(str(value), filled_variables()) for name, value in raw.items()}


def dockerfile_of(service: str) -> Path | None:
    build = services()[service].get("build")
    if build is None:
        return None
    context = (COMPOSE_FILE.parent / build["context"]).resolve()
    assert context == PROJECT_ROOT, "the build context must be the repository root (.dockerignore, COPY paths)"
    return PROJECT_ROOT / build["dockerfile"]


@cache
def instructions(path: Path) -> tuple[dockerfile.Command, ...]:
    return tuple(dockerfile.parse_file(str(path)))


def stages(path: Path) -> dict[str, list[dockerfile.Command]]:
    """Instructions per stage; a stage built `FROM` another stage starts with that one's instructions."""
    result: dict[str, list[dockerfile.Command]] = {}
    current: list[dockerfile.Command] = []
    for index, command in enumerate(instructions(path)):
        if command.cmd == "FROM":
            base, *alias = command.value
            current = list(result.get(base, []))
            result[alias[-1] if alias else f"stage{index}"] = current
        current.append(command)
    return result


def final_stage(path: Path) -> list[dockerfile.Command]:
    return list(stages(path).values())[-1]


def image_env(path: Path) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for command in final_stage(path):
        if command.cmd == "ENV":
            pairs.update(zip(command.value[::2], command.value[1::2], strict=False))
    return pairs


def copied_paths(stage: list[dockerfile.Command]) -> list[str]:
    """Paths below the work directory (/app) that the COPY instructions of a stage fill."""
    paths = []
    for command in (c for c in stage if c.cmd == "COPY"):
        *sources, destination = command.value
        for source in sources:
            target = PurePosixPath(destination)
            if destination.endswith("/"):
                target = target / PurePosixPath(source).name
            paths.append(str(target.relative_to("/app") if target.is_absolute() else target))
    return paths


def covered(path: str, paths: list[str]) -> bool:
    return any(path == copied or path.startswith(copied + "/") for copied in paths)


def exposed_port(path: Path) -> str:
    (port,) = [c.value[0] for c in final_stage(path) if c.cmd == "EXPOSE"]
    return port


def split_command(tokens: list[str] | tuple[str, ...], variables: dict[str, str]) -> list[str]:
    """An exec-form command; a `sh -c` script becomes the command it execs, `$VAR` filled in."""
    if tuple(tokens[:2]) == ("sh", "-c"):
        script = tokens[2].split("exec ", 1)[1]
        script = re.sub(r"\$\{?(\w+)(?::-[^}]*)?\}?", lambda m: variables.get(m[1], m[0]), script)
        tokens = shlex.split(script)
    return list(tokens)


def container_command(service: str) -> list[str]:
    """What a service runs: its compose `command`, else the CMD of its image."""
    image = dockerfile_of(service)
    variables = image_env(image) if image else {}
    if "command" in services()[service]:
        return split_command(services()[service]["command"], variables)
    assert image is not None
    (cmd,) = [c for c in final_stage(image) if c.cmd == "CMD"]
    return split_command(cmd.value, variables)


def machine_commands() -> dict[str, list[list[str]]]:
    """Each process of Procfile.productie as the commands it runs, venv prefixes and `exec` removed."""
    instance_script = (PROJECT_ROOT / "scripts" / "instance.sh").read_text().replace("\\\n", " ")
    commands = {}
    for process, line in procfile_commands(production=True).items():
        if "scripts/instance.sh" in line:
            # The scaled processes: the `exec ...` line of their branch in scripts/instance.sh.
            branch = re.search(rf"^\s*{process}\)(.*?);;", instance_script, re.MULTILINE | re.DOTALL)
            assert branch, f"scripts/instance.sh has no branch for {process}"
            line = re.search(r"\bexec (.+)", branch[1])[1]  # type: ignore[index]
        parts = [shlex.split(part) for part in line.split("&&")]
        commands[process] = [[re.sub(r"^\.venvs/\w+/bin/", "", t) for t in p if t != "exec"] for p in parts]
    return commands


def program_and_options(tokens: list[str]) -> tuple[list[str], dict[str, str | None]]:
    """The words before the first option, and the options: (["rasa", "run"], {"--enable-api": None, "-p": "5005"})."""
    first_option = next((i for i, token in enumerate(tokens) if token.startswith("-")), len(tokens))
    program, rest = tokens[:first_option], tokens[first_option:]
    options: dict[str, str | None] = {}
    for i, token in enumerate(rest):
        if token.startswith("-"):
            following = rest[i + 1] if i + 1 < len(rest) else None
            options[token] = None if following is None or following.startswith("-") else following
    return program, options


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings of the shell that runs the tests must not fill in what the compose file leaves out.
    for name in [*Settings.model_fields, *TelegramSettings.model_fields]:
        monkeypatch.delenv(name.upper(), raising=False)


# --- environment ---------------------------------------------------------------------------------


def test_every_variable_compose_gives_the_bridge_image_is_a_setting() -> None:
    # Settings ignore unknown variables, so a misspelt one would silently do nothing.
    known = {name.upper() for name in Settings.model_fields}
    telegram_known = {name.upper() for name in TelegramSettings.model_fields}
    for name, service in services().items():
        if dockerfile_of(name) == DEPLOY / "Dockerfile.bridge":
            expected = telegram_known if "connectors.telegram" in container_command(name) else known
            assert sorted(set(service.get("environment", {})) - expected) == [], name


def test_every_variable_compose_gives_the_action_servers_is_read_by_their_code() -> None:
    # The action server reads plain os.environ (bot/actions/settings.py, bot/action_server.py).
    code = " ".join(path.read_text() for path in (PROJECT_ROOT / "bot").rglob("*.py"))
    names = set(environment("actions")) | set(image_env(DEPLOY / "Dockerfile.actions"))
    names -= {"PATH", "PYTHONPATH", "PYTHONUNBUFFERED"}
    assert sorted(name for name in names if f'"{name}"' not in code) == []


def test_the_bridge_environment_passes_the_production_checks() -> None:
    settings = bridge_settings()
    assert settings.environment == "productie"
    production_env(settings)  # PostgreSQL for both databases and Redis, as `make run-prod` demands
    # Several bridge processes: rate-limit counters must be shared, not per process.
    assert settings.rate_limit_storage_uri.startswith("redis://")


def production_secrets() -> set[str]:
    """The settings ENVIRONMENT=productie refuses to leave empty, found by leaving each one out."""
    blank = [name for name, field in Settings.model_fields.items() if field.default == ""]
    filled = {name: f"echt-{secrets.token_hex(8)}" for name in blank}
    required = set()
    for name in blank:
        try:
            others = {k: v for k, v in filled.items() if k != name}
            Settings(_env_file=None, environment="productie", **others)  # type: ignore[call-arg]
        except ValidationError:
            required.add(name.upper())
    return required


def test_every_production_secret_is_given_to_the_bridge_and_asked_for_in_the_env_example() -> None:
    required = production_secrets()
    assert {"RASA_TOKEN", "BRIDGE_SERVICE_TOKEN", "STAFF_TOKEN"} <= required
    bridge = services()["bridge"]["environment"]
    for name in sorted(required):
        assert name in bridge, f"the bridge does not get {name}"
        assert re.search(r"\$\{\w+:\?", str(bridge[name])), f"compose must refuse to start without {name}"
    assert sorted(required - set(dotenv_values(ENV_EXAMPLE))) == []


def test_the_env_example_lists_exactly_the_variables_compose_uses() -> None:
    used = {name for name, _, _ in variables_used()}
    listed = set(dotenv_values(ENV_EXAMPLE))
    assert sorted(required_variables() - listed) == [], "required by compose.yaml, missing in .env.example"
    assert sorted(listed - used - COMPOSE_OWN_VARIABLES) == [], "in .env.example, not used by compose.yaml"
    # Secrets in the example would end up in every copy of it.
    assert sorted(name for name in required_variables() if dotenv_values(ENV_EXAMPLE)[name]) == []


def test_rasa_gets_every_variable_of_its_endpoints_file_and_nothing_else() -> None:
    endpoints = (DEPLOY / "endpoints.yml").read_text()
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints)) | {"RASA_TOKEN"}  # the token: Dockerfile.rasa's CMD
    for name in services():
        if dockerfile_of(name) == DEPLOY / "Dockerfile.rasa":
            assert sorted(set(environment(name))) == sorted(needed), name


def test_the_bridge_reaches_every_rasa_server_and_its_action_servers() -> None:
    settings = bridge_settings()
    rasa_services = {name for name in services() if dockerfile_of(name) == DEPLOY / "Dockerfile.rasa"}
    assert {urlsplit(url).hostname for url in settings.rasa_urls} == rasa_services
    action_services = {name for name in services() if dockerfile_of(name) == DEPLOY / "Dockerfile.actions"}
    assert {urlsplit(url).hostname for url in settings.actions_urls} == action_services
    for name in rasa_services:
        assert urlsplit(environment(name)["ACTION_ENDPOINT_URL"]).hostname in action_services


def test_every_address_in_the_compose_file_is_a_service_on_a_port_it_listens_on() -> None:
    checked = 0
    for name in services():
        for value in environment(name).values():
            for url in _URL.findall(value):
                parts = urlsplit(url)
                assert parts.hostname in services(), f"{name}: {url} names no service"
                image = dockerfile_of(parts.hostname)
                if image is not None:
                    assert str(parts.port) == exposed_port(image), f"{name}: {url}"
                checked += 1
    assert checked >= 10


# --- images --------------------------------------------------------------------------------------


def all_dockerfiles() -> list[Path]:
    return sorted({path for name in services() if (path := dockerfile_of(name)) is not None})


def test_every_dockerfile_in_deploy_is_used_by_the_compose_file() -> None:
    assert all_dockerfiles() == sorted(DEPLOY.glob("Dockerfile.*"))


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("Dockerfile.*")), ids=lambda p: p.name)
def test_every_file_a_dockerfile_copies_is_in_the_build_context(path: Path) -> None:
    ignored = [line.strip() for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()]
    ignored = [pattern for pattern in ignored if pattern and not pattern.startswith("#")]
    sources = [s for c in instructions(path) if c.cmd == "COPY" and not c.flags for s in c.value[:-1]]
    assert sources
    for source in sources:
        assert (PROJECT_ROOT / source).exists(), f"{path.name} copies {source}, which does not exist"
        assert not any(PurePosixPath(source).match(pattern) or covered(source, [pattern]) for pattern in ignored), (
            f"{path.name} copies {source}, which .dockerignore leaves out of the build context"
        )


def test_the_model_stage_copies_every_input_of_the_training() -> None:
    # scripts/train.sh names the model after a hash of these inputs: all of them must be in the
    # stage, or the image trains on less than `make train` does.
    script = (PROJECT_ROOT / "scripts" / "train.sh").read_text()
    inputs = re.search(r"^inputs=\((.*?)\)", script, re.MULTILINE)[1].split()  # type: ignore[index]
    model_stage = stages(DEPLOY / "Dockerfile.rasa")["model"]
    copied = copied_paths(model_stage)
    assert sorted(path for path in inputs if not covered(path, copied)) == []
    assert any(c.cmd == "RUN" and c.value[0] == "scripts/train.sh" for c in model_stage)


def test_the_rasa_image_holds_what_the_trained_pipeline_loads() -> None:
    from knowledge import places

    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    in_image = copied_paths(final_stage(DEPLOY / "Dockerfile.rasa"))
    needed = ["models", places.GEMEENTEN_CSV, places.WOONPLAATSEN_CSV, Path(places.__file__)]
    for component in config["pipeline"]:
        if component["name"] == "SpacyNLP":
            needed.append(component["model"])  # loaded from disk when the model loads
        elif "." in component["name"]:  # a custom component: module path of the class
            needed.append(component["name"].rsplit(".", 1)[0].replace(".", "/") + ".py")
    relative = [str(Path(p).relative_to(PROJECT_ROOT)) if Path(p).is_absolute() else str(p) for p in needed]
    assert sorted(p for p in relative if not covered(p, in_image)) == []


def test_the_bridge_image_holds_the_data_the_bridge_reads() -> None:
    from bridge.console.routes import STATIC_DIR
    from bridge.knowledge.loader import KNOWLEDGE_DIR
    from bridge.main import WEB_CHAT_DIR
    from knowledge import places

    in_image = copied_paths(final_stage(DEPLOY / "Dockerfile.bridge"))
    # The knowledge base loads every file below knowledge/; the bridge serves the two static folders.
    needed = [KNOWLEDGE_DIR, WEB_CHAT_DIR, STATIC_DIR, places.GEMEENTEN_CSV, places.WOONPLAATSEN_CSV]
    relative = [str(path.relative_to(PROJECT_ROOT)) for path in needed]
    assert sorted(path for path in relative if not covered(path, in_image)) == []


def test_the_images_hold_the_code_their_commands_start() -> None:
    for name in ("rasa-1", "actions", "bridge", "migrate", "telegram"):
        image = dockerfile_of(name)
        assert image is not None
        in_image = copied_paths(final_stage(image))
        command = container_command(name)
        modules = [command[i + 1] for i, token in enumerate(command) if token in ("-m", "--actions")]
        modules += [token.split(":")[0] for token in command if re.fullmatch(r"[\w.]+:\w+", token)]
        files = [token for token in command if token.endswith((".yml", ".ini"))]
        paths = [m.replace(".", "/") for m in modules if not m.startswith("rasa_sdk")] + files
        assert paths, name
        missing = [p for p in paths if not (covered(p, in_image) or covered(p + ".py", in_image))]
        assert missing == [], f"{name} starts {missing}, which its image does not hold"


def _first_party_imports(source: Path) -> set[str]:
    """Dotted names of this repository's modules that a Python file imports (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(_parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name for name in names if (PROJECT_ROOT / name.split(".")[0]).is_dir()}


@pytest.mark.parametrize(
    ("path", "stage_name"),
    [(p, None) for p in sorted(DEPLOY.glob("Dockerfile.*"))] + [(DEPLOY / "Dockerfile.rasa", "model")],
    ids=lambda value: value.name if isinstance(value, Path) else str(value or "final"),
)
def test_each_image_holds_the_modules_its_code_imports(path: Path, stage_name: str | None) -> None:
    # A shared package (contract/, knowledge/places.py) that one COPY line forgets breaks only at run time.
    stage = stages(path)[stage_name] if stage_name else final_stage(path)
    in_image = copied_paths(stage)
    from_context = copied_paths([c for c in stage if c.cmd == "COPY" and not c.flags])  # not --from=<stage>
    files = []
    for copied in (PROJECT_ROOT / p for p in from_context):
        files += [copied] if copied.suffix == ".py" else sorted(copied.rglob("*.py"))
    assert files
    missing = set()
    for file in files:
        for name in _first_party_imports(file):
            module = name.replace(".", "/")
            if not any(covered(candidate, in_image) for candidate in (module, module + ".py")):
                missing.add(f"{file.relative_to(PROJECT_ROOT)} imports {name}")
    assert sorted(missing) == []


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("Dockerfile.*")), ids=lambda p: p.name)
def test_each_image_listens_checks_and_exposes_the_same_port_as_a_non_root_user(path: Path) -> None:
    port = exposed_port(path)
    stage = final_stage(path)
    (cmd,) = [c for c in stage if c.cmd == "CMD"]
    _, options = program_and_options(split_command(cmd.value, image_env(path)))
    assert (options.get("-p") or options.get("--port")) == port
    (healthcheck,) = [c for c in stage if c.cmd == "HEALTHCHECK"]
    assert f"127.0.0.1:{port}/" in " ".join(healthcheck.value)
    (user,) = [c.value[0] for c in stage if c.cmd == "USER"]
    # Numeric and not root: Kubernetes can then check runAsNonRoot.
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user)


# --- commands and endpoints ----------------------------------------------------------------------


def test_the_containers_run_the_processes_of_the_production_profile() -> None:
    machine = machine_commands()
    assert sorted(set(machine) - {"ready"}) == sorted(CONTAINER_OF_PROCESS)
    migration, _ = machine["bridge"]
    assert container_command("migrate") == migration, "migrations as Procfile.productie runs them"
    for process, service in CONTAINER_OF_PROCESS.items():
        program, options = program_and_options(machine[process][-1])
        container_program, container_options = program_and_options(container_command(service))
        assert container_program == program, process
        assert set(container_options) - CONTAINER_ONLY_OPTIONS == set(options), process
        fixed = {k: v for k, v in options.items() if k not in VARYING_OPTIONS}
        assert {k: container_options[k] for k in fixed} == fixed, process


def test_the_container_endpoints_differ_from_the_production_ones_only_in_the_action_server_address() -> None:
    container = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    machine = yaml.safe_load((PROJECT_ROOT / "endpoints.productie.yml").read_text())
    assert container["action_endpoint"].pop("url") == "${ACTION_ENDPOINT_URL}"
    assert "127.0.0.1" in machine["action_endpoint"].pop("url")
    assert container == machine


# --- the compose file as a whole -----------------------------------------------------------------


def test_only_the_proxy_is_reachable_from_outside() -> None:
    assert [name for name, service in services().items() if "ports" in service] == ["proxy"]
    assert compose()["networks"]["backend"]["internal"] is True
    outside = {name for name, service in services().items() if "edge" in service.get("networks", [])}
    # The proxy faces the internet; the Telegram connector must reach api.telegram.org.
    assert outside == {"proxy", "telegram"}


def test_migrations_run_once_before_the_bridge_and_the_proxy_waits_for_it() -> None:
    assert services()["migrate"]["restart"] == "no"
    assert services()["bridge"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services()["proxy"]["depends_on"]["bridge"] == {"condition": "service_healthy"}
    upstream = re.search(r"dynamic a (\S+) (\d+)", (DEPLOY / "Caddyfile").read_text())
    assert upstream and upstream[1] == "bridge" and upstream[2] == exposed_port(DEPLOY / "Dockerfile.bridge")


def compose_program() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if standalone := shutil.which("docker-compose"):
        return [standalone]
    pytest.skip("neither the docker compose plugin nor docker-compose is installed: compose.yaml not validated")


def run_compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    command = [*compose_program(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "--quiet"]
    clean = {k: v for k, v in os.environ.items() if k not in filled_variables()}
    return subprocess.run(command, capture_output=True, text=True, env=clean, timeout=60)


def test_compose_accepts_the_file_filled_in_and_refuses_it_without_secrets(tmp_path: Path) -> None:
    filled = tmp_path / "filled.env"
    filled.write_text("".join(f"{k}={v}\n" for k, v in filled_variables().items()))
    result = run_compose_config(filled)
    assert result.returncode == 0, result.stderr
    empty = run_compose_config(ENV_EXAMPLE)
    assert empty.returncode != 0 and "deploy/.env" in empty.stderr


def test_caddy_accepts_the_caddyfile() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed: deploy/Caddyfile not validated")
    result = subprocess.run(
        [caddy, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        env={**os.environ, "ELKEDEUR_DOMAIN": "elkedeur.example.nl"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def _parse(text: str) -> ast.AST:
    """ast.parse, tried again on CPython 3.11's "AST constructor recursion depth mismatch": its recursion
    counter is shared between threads, so a parse in another thread of the test session (a server started
    by an earlier fixture importing a module) can trip it (seen once in a full `make test`)."""
    for _ in range(4):
        try:
            return ast.parse(text)
        except SystemError:
            continue
    return ast.parse(text)
