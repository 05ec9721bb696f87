"""The usage report in Python Dash 4.4.1, for benches/peer/run.sh.

The same layout ids, callbacks and output texts as the Rust portal, written
the way a Dash team would: the usage records are read from the same SQLite
file into a pandas DataFrame at start-up, and each request filters and
groups them; figures come from Plotly Express.

Run: PEER_DB=path/to/usage-portal.db gunicorn -w 2 -b 127.0.0.1:PORT dash_app:server
"""

import os
import sqlite3

import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, State, dcc, html

DB = os.environ["PEER_DB"]
ASSETS = os.environ.get("PEER_ASSETS")
TOP_PROJECTS = 8
KINDS = ["video", "audio", "proxy", "subtitles", "thumbnails"]
VOLUMES = ["Hours ingested", "Items ingested", "Storage held (GB)", "Deleted (GB)"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

with sqlite3.connect(DB) as con:
    records = pd.read_sql(
        "SELECT day, account_id, project_id, ingested_seconds, ingested_items, video_bytes,"
        " audio_bytes, proxy_bytes, subtitles_bytes, thumbnails_bytes, deleted"
        " FROM usage_records",
        con,
    )
    projects = pd.read_sql("SELECT id AS project_id, name AS project FROM usage_projects", con)
    accounts = pd.read_sql("SELECT id AS account_id, name AS account FROM usage_accounts", con)
records = records.merge(projects, on="project_id").merge(accounts, on="account_id")
records["deleted"] = records["deleted"].astype(bool)
for kind in KINDS:
    records[f"held_{kind}"] = records[f"{kind}_bytes"].where(~records["deleted"], 0)
records["held"] = records[[f"held_{k}" for k in KINDS]].sum(axis=1)
records["deleted_bytes"] = (
    records[[f"{k}_bytes" for k in KINDS]].sum(axis=1).where(records["deleted"], 0)
)
LAST_DAY = records["day"].max()
FIRST_DAY = records["day"].min()
ACCOUNT_NAMES = dict(zip(accounts["account_id"], accounts["account"]))


def thousands(value, decimals):
    return f"{value:,.{decimals}f}"


def bytes_text(n):
    units = ["B", "kB", "MB", "GB", "TB", "PB"]
    value, unit = float(n), 0
    while abs(value) >= 1000 and unit < len(units) - 1:
        value /= 1000
        unit += 1
    decimals = 1 if abs(value) < 10 and unit > 0 else 0
    return f"{thousands(value, decimals)} {units[unit]}"


def day_text(day):
    year, month, d = day.split("-")
    return f"{int(d)} {MONTHS[int(month) - 1]} {year}"


def month_label(month):
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def default_days():
    last = pd.Timestamp(LAST_DAY)
    first = max(pd.Timestamp(FIRST_DAY), last - pd.Timedelta(days=91))
    return first.strftime("%Y-%m-%d"), LAST_DAY


app = Dash(__name__, assets_folder=ASSETS or "assets", suppress_callback_exceptions=True)
server = app.server
start, end = default_days()
cards = [
    html.Div(
        [html.Span(title, className="card-title"), html.Span("…", id=cid, className="card-value")],
        className="card",
    )
    for cid, title in [
        ("total-hours", "Hours ingested"),
        ("total-items", "Items ingested"),
        ("total-storage", "Storage held"),
        ("total-deleted", "Deleted"),
        ("total-projects", "Projects"),
    ]
]
graph_config = {"displaylogo": False, "responsive": True}
app.layout = html.Div(
    [
        dcc.Store(id="theme", storage_type="local", data="light"),
        html.Header(html.Strong("Usage portal"), className="topbar"),
        html.Main(
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Label("Customer"),
                                    dcc.Dropdown(
                                        id="account",
                                        options=[{"label": "All customers", "value": "*"}]
                                        + [
                                            {"label": n, "value": i}
                                            for i, n in sorted(
                                                ACCOUNT_NAMES.items(), key=lambda x: x[1]
                                            )
                                        ],
                                        clearable=False,
                                    ),
                                ],
                                className="filter",
                            ),
                            html.Div(
                                [
                                    html.Label("Days"),
                                    dcc.DatePickerRange(
                                        id="days",
                                        start_date=start,
                                        end_date=end,
                                        min_date_allowed=FIRST_DAY,
                                        max_date_allowed=LAST_DAY,
                                    ),
                                ],
                                className="filter",
                            ),
                            html.Div(
                                [
                                    html.Label("Projects"),
                                    dcc.Dropdown(id="projects", multi=True, placeholder="All projects"),
                                ],
                                className="filter grow",
                            ),
                        ],
                        className="filters",
                    ),
                    dcc.Loading(
                        html.Div(
                            [
                                html.H2("…", id="view-title", className="view-title"),
                                html.Div(cards, className="cards"),
                                html.Div(
                                    [
                                        dcc.Graph(id="by-project", config=graph_config, className="chart"),
                                        dcc.Graph(id="storage", config=graph_config, className="chart"),
                                    ],
                                    className="charts",
                                ),
                                dcc.Graph(id="by-month", config=graph_config, className="chart"),
                            ]
                        ),
                        type="dot",
                    ),
                ],
                className="report",
            ),
            className="content",
        ),
    ]
)


def empty(title):
    fig = px.scatter(title=title)
    fig.update_layout(
        xaxis_visible=False,
        yaxis_visible=False,
        annotations=[{"text": "No usage in this view", "showarrow": False, "x": 0.5, "y": 0.5,
                      "xref": "paper", "yref": "paper"}],
    )
    return fig


@app.callback(Output("bench-out", "children"), Input("bench-in", "value"))
def echo(text):
    return text or ""


@app.callback(Output("projects", "options"), Input("account", "value"))
def project_options(account):
    rows = projects.merge(records[["project_id", "account_id"]].drop_duplicates(), on="project_id")
    if account and account != "*":
        rows = rows[rows["account_id"] == account]
    return [{"label": p, "value": i} for i, p in zip(rows["project_id"], rows["project"])]


@app.callback(
    Output("view-title", "children"),
    Output("total-hours", "children"),
    Output("total-items", "children"),
    Output("total-storage", "children"),
    Output("total-deleted", "children"),
    Output("total-projects", "children"),
    Output("by-project", "figure"),
    Output("storage", "figure"),
    Output("by-month", "figure"),
    Input("account", "value"),
    Input("days", "start_date"),
    Input("days", "end_date"),
    Input("projects", "value"),
    Input("theme", "data"),
)
def report(account, start_date, end_date, chosen, theme):
    account = account or "*"
    first, last = default_days()
    start_date = (start_date or first)[:10]
    end_date = (end_date or last)[:10]
    if end_date < start_date:
        start_date, end_date = end_date, start_date
    view = records[(records["day"] >= start_date) & (records["day"] <= end_date)]
    if account != "*":
        view = view[view["account_id"] == account]
    if chosen:
        view = view[view["project_id"].isin(chosen)]
    name = "All customers" if account == "*" else ACCOUNT_NAMES.get(account, account)
    count = len(chosen or [])
    which = "all projects" if count == 0 else ("1 project" if count == 1 else f"{count} projects")
    title = f"{name} · {day_text(start_date)} to {day_text(end_date)} · {which}"
    template = "plotly_dark" if theme == "dark" else "plotly_white"
    many = account == "*"

    hours = view["ingested_seconds"].sum() / 3600
    cards = [
        f"{thousands(hours, 1)} h",
        thousands(view["ingested_items"].sum(), 0),
        bytes_text(view["held"].sum()),
        bytes_text(view["deleted_bytes"].sum()),
        thousands(view["project_id"].nunique(), 0),
    ]
    if view.empty:
        figures = [empty("Hours ingested by project"), empty("Storage held by project and kind"),
                   empty("Volumes by month")]
        return [title, *cards, *figures]

    by_project = (
        view.groupby(["account_id", "account", "project_id", "project"], as_index=False)
        .agg(seconds=("ingested_seconds", "sum"), **{k: (f"held_{k}", "sum") for k in KINDS})
    )
    by_project["hours"] = by_project["seconds"] / 3600
    by_project = by_project.sort_values(["hours", "project_id"], ascending=[False, True])
    label = by_project["project"] + (" · " + by_project["account"] if many else "")
    slices = pd.DataFrame({"project": label, "hours": by_project["hours"]}).head(TOP_PROJECTS)
    others = by_project["hours"].iloc[TOP_PROJECTS:].sum()
    if others > 0:
        slices = pd.concat([slices, pd.DataFrame({"project": ["Others"], "hours": [others]})])
    donut = px.pie(slices, names="project", values="hours", hole=0.5,
                   title="Hours ingested by project", template=template)
    donut.update_traces(sort=False)
    donut.update_layout(
        legend_orientation="h",
        annotations=[{"text": f"{thousands(hours, 0)} h", "showarrow": False, "font": {"size": 20}}],
    )

    tiles = by_project.melt(id_vars=["account", "project"], value_vars=KINDS,
                            var_name="kind", value_name="bytes")
    tiles = tiles[tiles["bytes"] > 0]
    tiles["gb"] = tiles["bytes"] / 1e9
    path = ["account", "project", "kind"] if many else ["project", "kind"]
    treemap = px.treemap(tiles, path=path, values="gb", title="Storage held by project and kind",
                         template=template)

    monthly = view.assign(month=view["day"].str[:7]).groupby("month", as_index=False).agg(
        seconds=("ingested_seconds", "sum"), items=("ingested_items", "sum"),
        held=("held", "sum"), deleted=("deleted_bytes", "sum"))
    bars = pd.DataFrame({
        "month": [month_label(m) for m in monthly["month"] for _ in VOLUMES],
        "volume": VOLUMES * len(monthly),
        "value": [round(v * 10) / 10 for row in monthly.itertuples() for v in
                  (row.seconds / 3600, row.items, row.held / 1e9, row.deleted / 1e9)],
    })
    by_month = px.bar(bars, x="month", y="value", color="volume", barmode="group",
                      title="Volumes by month", template=template, log_y=True)
    by_month.update_layout(yaxis_dtick=1, yaxis_title_text="", xaxis_title_text="",
                           legend_orientation="h", legend_y=-0.12)
    return [title, *cards, donut, treemap, by_month]


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8060")))
