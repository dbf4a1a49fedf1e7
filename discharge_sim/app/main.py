"""The web app's page, run by Streamlit (``discharge-sim app`` starts it): choose a config, edit
its settings in tables, pick scenarios, run with a progress bar, see the figures and the answer,
and download the config, the results and the board pack.

Every computation is a call of :mod:`discharge_sim.api`, the same the command line makes; this
module only lays out the page. Streamlit runs it from the top on every click.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from discharge_sim import api
from discharge_sim.api.board_pack import PACK_HTML, PACK_PDF
from discharge_sim.app import jobs, outputs, params, sources, state
from discharge_sim.config import Config, ConfigError, config_to_dict
from discharge_sim.data.extract import ExtractError

PRIVACY = ("**Your data never leaves this computer.** This app runs on your own machine, and only this machine "
           "can open it (it listens on 127.0.0.1). Configs, extracts and results are read and written here; "
           "nothing is sent anywhere, not even usage statistics.")
# What the API raises for input it cannot use: shown as its message alone.
BAD_INPUT = (ConfigError, ExtractError, api.UsageError, api.Interrupted)


def main() -> None:
    st.set_page_config(page_title="discharge-sim", layout="wide", menu_items={})
    st.title("Delayed discharge: hospital administration or social-care capacity?")
    st.markdown("Simulate your hospital and the social care around it, and see how much of the delay in "
                "discharging patients each side holds.")
    st.info(PRIVACY)
    choose_config()
    watch("fit")
    current = state.loaded()
    if current is None:
        return
    st.header("2. Settings")
    config = edit_settings(current)
    st.header("3. Scenarios")
    chosen = choose_scenarios()
    st.header("4. Run")
    if config is not None:
        run_section(config, chosen)
    else:
        st.warning("Correct the settings above to run.")
    watch("run")  # whatever the settings are now, a run started before is followed to its end
    folder = state.results()
    if folder is not None and folder.is_dir():
        show_results(folder)
    st.header("Downloads")
    downloads(config, folder)


# --- 1. the config ------------------------------------------------------------------------------

def choose_config() -> None:
    """Load a shipped config, read an uploaded one, or fit one to an uploaded extract."""
    st.header("1. Config")
    shipped = sources.shipped()
    if state.loaded() is None:
        baseline = next(iter(shipped.items()), None)
        if baseline is None:
            st.error("No shipped configs were found; upload a config instead.")
        else:
            _use_file(*baseline)
    way = st.radio("Start from", ("a shipped config", "my own config file", "my trust's patient-level extract"),
                   horizontal=True, key="way")
    if way == "a shipped config":
        names = list(shipped)
        label = st.selectbox("Shipped config", names, key="shipped",
                             help="configs/ holds whole configs; configs/scenarios/ holds the baseline with "
                                  "one policy changed.")
        if st.button("Load this config", key="load-shipped") and label is not None:
            _use_file(label, shipped[label])
    elif way == "my own config file":
        upload = st.file_uploader("A YAML config, or an Excel workbook of a config filled in (download one under "
                                  "Downloads: *Config (Excel workbook)*)",
                                  type=[s.lstrip(".") for s in sources.CONFIG_SUFFIXES], key="config-upload")
        if upload is not None and not state.seen(upload.file_id):
            state.mark_seen(upload.file_id)
            try:
                config = sources.read_upload(upload.name, upload.getvalue())
            except ConfigError as exc:
                show_problem(f"{upload.name} cannot be used", exc)
            else:
                state.use(config_to_dict(config), f"uploaded file {upload.name}")
    else:
        fit_section()
    current = state.loaded()
    if current is not None:
        description = " ".join(str(current.raw.get("description", "")).split())
        st.success(f"In use: **{current.raw.get('name', '')}** ({current.source}). {description}")


def _use_file(label: str, path: Path) -> None:
    try:
        config = api.load(path)
    except ConfigError as exc:
        show_problem(f"{label} cannot be used", exc)
        return
    state.use(config_to_dict(config), label, path)


def fit_section() -> None:
    """Fit a config to an extract (one row per admission) on top of the config in use's file."""
    st.markdown("An extract has one row per admission (see *Fit the model to your trust's data* in the "
                "documentation). It is read on this computer; only counts of 5 or more appear in what is written.")
    upload = st.file_uploader("Patient-level extract (.csv, .xlsx or .parquet)",
                              type=[s.lstrip(".") for s in sources.EXTRACT_SUFFIXES], key="extract-upload")
    correct = st.checkbox("Correct the fitted waits by simulation (slower, closer to the data)", value=True,
                          key="correct-waits")
    if upload is None or not st.button("Fit a config to this extract", key="fit", disabled=_busy()):
        return
    current = state.loaded()
    base = current.path if current is not None else None
    out = outputs.new_folder(state.results_root(), f"fit-{Path(upload.name).stem}")
    name, data = upload.name, upload.getvalue()
    state.set_job(jobs.start("fit", f"fits a config to {name}",
                             lambda job: sources.fit_upload(name, data, base, out, correct)))
    state.set_fit(name, out)
    st.rerun()


# --- 2. settings --------------------------------------------------------------------------------

def edit_settings(current: state.Loaded) -> Config | None:
    """The settings in fields and tables, each with its unit and allowed values; the config they
    describe if it is valid, else the config's own message of what is wrong."""
    raw = current.raw
    edits: list[tuple[params.Table, Any]] = []
    for table in params.general_tables():
        st.subheader(table.title)
        st.caption(table.about)
        edits.append((table, general_fields(table, raw, current.version)))
    for table in params.entry_tables(raw):
        st.subheader(table.title)
        st.caption(table.about)
        edits.append((table, entry_editor(table, raw, current.version)))
    try:
        return params.check(params.mark_edits(raw, params.apply(raw, edits)))
    except ConfigError as exc:
        show_problem("These settings are not a valid config", exc)
        return None


def general_fields(table: params.Table, raw: dict[str, Any], version: int) -> dict[str, Any]:
    """One field per setting, side by side; what each allows is written under it."""
    shown = params.values(table, raw)
    typed: dict[str, Any] = {}
    for column, place in zip(table.columns, st.columns(len(table.columns))):
        key = f"{column.key}-{version}"
        with place:
            value = shown[column.key]
            if column.as_text:
                typed[column.key] = st.text_input(column.label, value="" if value is None else str(value),
                                                  key=key, help=column.help)
            else:
                kind = int if column.whole else float  # no min or max: a value out of range would be dropped
                typed[column.key] = st.number_input(column.label, value=_as(kind, value), step=kind(1), key=key,
                                                    help=column.help)  # silently; the config's rules name it
            st.caption(f"Allowed: {column.allowed}")
    return typed


def _as(kind: type[int] | type[float], value: Any) -> Any:
    """A number field's number as the setting's kind (an int field refuses a float), or None."""
    return None if value is None else kind(value)


def entry_editor(table: params.Table, raw: dict[str, Any], version: int) -> pd.DataFrame:
    """A table of entries, a row each; the columns' units are in their headings, what they allow
    on hovering over a heading and in the list under the table."""
    config: dict[str, Any] = {"_index": st.column_config.TextColumn("name", disabled=True)}
    for column in table.columns:
        if not column.editable:
            config[column.key] = st.column_config.TextColumn(column.label, disabled=True, help=column.help)
        elif column.as_text:
            config[column.key] = st.column_config.TextColumn(column.label, help=column.help)
        else:
            config[column.key] = st.column_config.NumberColumn(  # no min or max, as in the fields above
                column.label, help=column.help, step=1 if column.whole else None,
                format="%d" if column.whole else None)
    edited = st.data_editor(params.frame(table, raw), column_config=config, num_rows="fixed",
                            key=f"table-{table.name}-{version}", width="stretch")
    with st.expander(f"What the columns of {table.title.lower()} mean"):
        st.markdown("\n".join(["| column | unit | allowed | meaning |", "|---|---|---|---|",
                               *(f"| {c.label} | {c.unit or '-'} | {_cell(c.allowed)} | {_cell(c.meaning)} |"
                                 for c in table.columns)]))
    return edited


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "-"


# --- 3. scenarios and 4. run -----------------------------------------------------------------------

def choose_scenarios() -> list[sources.Scenario]:
    """Shipped scenarios to compare with the edited config (none: a single run)."""
    found = sources.scenarios()
    st.markdown("Each scenario changes a few settings of the config above (the rest stay as you edited "
                "them), and runs under the same random numbers, so the differences are the scenario's. "
                "Choose none for a single run.")
    names = st.multiselect("Scenarios to compare", list(found), key="scenarios")
    chosen = []
    for name in names:
        try:
            scenario = sources.read_scenario(found[name])
        except ConfigError as exc:
            show_problem(f"Scenario {name} cannot be read", exc)
            continue
        st.caption(f"**{name}**: {scenario.description}")
        chosen.append(scenario)
    return chosen


def run_section(config: Config, chosen: list[sources.Scenario]) -> None:
    root = state.results_root()
    what = f"compares {config.name} with {len(chosen)} scenario(s)" if chosen else f"runs {config.name}"
    st.markdown(f"This {what}: {config.run.replications} replication(s) of {config.run.days:g} days "
                f"({config.run.warmup_days:g} of them warm-up) each, {config.hospital.beds:,} beds. Results go to "
                f"a new folder under `{root}`.")
    if st.button("Run", type="primary", key="run", disabled=_busy()) and not _busy():
        try:
            scenarios = [sources.with_scenario(config_to_dict(config), s) for s in chosen]
        except ConfigError as exc:
            show_problem("A scenario does not fit these settings", exc)
            return
        folder = outputs.new_folder(root, f"compare-{config.name}" if scenarios else config.name)
        state.set_job(jobs.start("run", what, lambda job: _experiment(config, scenarios, folder, job)))
        st.rerun()  # draw the page again with Run disabled while the experiment goes on


def _busy() -> bool:
    """Whether a run or fit started from this page is still going."""
    job = state.job()
    return job is not None and not job.finished


def watch(kind: str) -> None:
    """Where a run or fit is followed: its progress while it goes, then what stopped it, once."""
    job = state.job()
    if job is None or job.kind != kind:
        return
    if job.collected:
        if job.error is not None:  # shown until another run or fit replaces it
            title = "could not start" if isinstance(job.error, BAD_INPUT) else "stopped"
            show_problem(f"The {kind} {title}", job.error if isinstance(job.error, BAD_INPUT)
                         else f"{type(job.error).__name__}: {job.error}")
        return
    progress(job)


def _experiment(config: Config, scenarios: list[Config], folder: Path, job: jobs.Job) -> Path:
    """The run or comparison, telling ``job`` how far it has got."""
    if scenarios:
        labels = _distinct([config.name, *(s.name for s in scenarios)])
        return api.compare([config, *scenarios], labels=labels, out=folder, progress=job.tell, say=job.say).out
    return api.run(config, out=folder, progress=job.tell, say=job.say).out


@st.fragment(run_every=1.0)
def progress(job: jobs.Job) -> None:
    """The running job's progress, redrawn every second; once it has finished, the whole page again,
    with its results, its fitted config, or what stopped it."""
    if not job.finished:
        if job.kind == "fit":
            st.info(f"Fitting the model to {job.what.removeprefix('fits a config to ')}...")
        else:
            st.progress(job.fraction, text=f"{job.done} of {job.total or '?'} replications done" if job.total
                        else "Starting...")
        return
    job.collected = True
    if job.error is None and job.folder is not None:
        if job.kind == "fit":
            name, out = state.fit()
            state.use(config_to_dict(api.load(job.folder)), f"fitted to {name}; the fit's report is in {out}",
                      job.folder)
        else:
            state.set_results(job.folder, [n.removeprefix("note: ") for n in job.notes if n.startswith("note:")])
    st.rerun(scope="app")


def _distinct(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        label, k = name, 1
        while label in out:
            k += 1
            label = f"{name}-{k}"
        out.append(label)
    return out


# --- 5. results and downloads ---------------------------------------------------------------------

def show_results(folder: Path) -> None:
    st.header("5. Results")
    st.markdown(f"Results folder: `{folder}`")
    for note in state.notes():
        st.warning(note)
    document = outputs.summary(folder)
    _table("Who the delay is recorded against", outputs.answer(document),
           "Each side's share of the delayed bed-days, mean over the replications with its 95% interval, under "
           "each convention (which items count for which side); the first leads.")
    _table("The scenarios compared", outputs.comparison(document),
           "Delayed bed-days over the measured days, mean with its 95% interval; the change from the baseline is "
           "the paired difference under the same random numbers.")
    for figure in outputs.figures(folder):  # one to a row: a figure's text is unreadable at half width
        st.markdown(f"**{figure.title}**")
        st.image(str(figure.png), caption=figure.caption, width="stretch")


def _table(title: str, frame: pd.DataFrame | None, caption: str) -> None:
    """A table of results under its title, tall enough to show every row; nothing if there is none."""
    if frame is None:
        return
    st.subheader(title)
    st.caption(caption)
    st.dataframe(frame, hide_index=True, width="stretch", height=38 + 35 * len(frame))


def downloads(config: Config | None, folder: Path | None) -> None:
    if config is not None:
        st.download_button("Config (YAML)", api.config_text(config), file_name=f"{config.name}.yaml",
                           mime="application/x-yaml", key="download-config", on_click="ignore")
        st.download_button("Config (Excel workbook)", lambda: outputs.workbook(config),
                           file_name=f"{config.name}.xlsx", key="download-workbook", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           help="Every setting on a sheet per section, with units and allowed values: fill it in "
                                "and upload it under 1. Config.")
    if folder is None or not folder.is_dir():
        st.caption("The results and the board pack can be downloaded once a run has finished.")
        return
    st.download_button("Results folder (zip)", lambda: outputs.zipped(folder), file_name=f"{folder.name}.zip",
                       mime="application/zip", key="download-results", on_click="ignore")
    board_pack(folder)


def board_pack(folder: Path) -> None:
    """The board pack of the results shown: made on request (it takes a few seconds), then offered
    as a PDF and as a web page."""
    pdf, html = folder / PACK_PDF, folder / PACK_HTML
    if not (pdf.is_file() and html.is_file()):
        if not st.button("Make the board pack", key="make-pack"):
            return
        with st.spinner("Writing the board pack..."):
            try:
                pdf, html, notes = outputs.board_pack(folder)
            except Exception as exc:
                show_problem("The board pack could not be made", exc if isinstance(exc, BAD_INPUT)
                             else f"{type(exc).__name__}: {exc}")
                return
        for note in notes:
            st.info(note)
    st.download_button("Board pack (PDF)", lambda: pdf.read_bytes(), file_name=f"{folder.name}-{pdf.name}",
                       mime="application/pdf", key="download-pack-pdf", on_click="ignore")
    st.download_button("Board pack (web page)", lambda: html.read_bytes(), file_name=f"{folder.name}-{html.name}",
                       mime="text/html", key="download-pack-html", on_click="ignore")


def show_problem(headline: str, error: BaseException | str) -> None:
    """A message for the user, one line per problem, each saying where on the page its setting is,
    with no traceback."""
    first, rest = params.problems(str(error))
    current = state.loaded()
    if current is not None:
        rest = [params.located(line, current.raw) for line in rest]
    st.error("\n".join([f"**{headline}.** {first}", *(f"- {line}" for line in rest)]))


if __name__ == "__main__":
    main()
