//! The current view as a CSV file, sent through `dcc.Download`: one row
//! per account, project and day, scoped like the report itself.

use base64::Engine as _;
use ferrodash::prelude::*;

use super::{Filters, Viewer, resolve};
use crate::Portal;
use crate::store::ViewParams;

/// The CSV's header row: the names of `export_daily`'s columns.
pub const CSV_HEADER: &str = "day,account,project,project_id,records,hours_ingested,items_ingested,\
video_bytes,audio_bytes,proxy_bytes,subtitles_bytes,thumbnails_bytes,deleted_bytes";

/// `usage-northwind-media-2026-03-01-2026-05-31.csv`.
fn file_name(title_account: &str, from: &str, to: &str) -> String {
    let slug: String = title_account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("usage-{slug}-{from}-{to}.csv")
}

/// The view an export button asks for, as the user may see it; no update
/// before a click or for a user who sees no account.
async fn clicked_view(
    clicks: Option<u64>,
    filters: Filters,
    user: &Principal,
    portal: &Portal,
) -> Result<(Viewer, ViewParams, String), CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    resolve(portal, user, &filters)
        .await?
        .ok_or_else(|| PreventUpdate.into())
}

/// An export's callback: its button to its download and the status line,
/// with the filters as state.
fn export_callback(callback: Callback, button: &str, download: &str) -> Callback {
    callback
        .output(download, "data")
        .output_allow_duplicate("export-status", "children")
        .input(button, "n_clicks")
        .state("account", "value")
        .state("days", "start_date")
        .state("days", "end_date")
        .state("projects", "value")
        .prevent_initial_call()
        .running(button, "disabled", json!(true), json!(false))
}

#[allow(clippy::too_many_arguments)] // One per filter, as the callback declares them.
async fn export_csv(
    Input(clicks): Input<Option<u64>>,
    State(account): State<Option<Value>>,
    State(start): State<Option<Value>>,
    State(end): State<Option<Value>>,
    State(projects): State<Option<Value>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<(Download, String), CallbackError> {
    let filters = Filters {
        account,
        start,
        end,
        projects,
    };
    let (viewer, params, _) = clicked_view(clicks, filters, &user, &portal).await?;
    let table = portal
        .store
        .bind()
        .query("export_daily")
        .params(&params.filter())
        .fetch_columns()
        .await?;
    let name = file_name(
        &viewer.account_name(&params.account),
        &params.from_day,
        &params.to_day,
    );
    let status = format!("Exported {} rows to {name}.", table.len());
    Ok((Download::csv(&name, &table)?, status))
}

#[allow(clippy::too_many_arguments)] // One per filter, as the callback declares them.
async fn export_pdf(
    Input(clicks): Input<Option<u64>>,
    State(account): State<Option<Value>>,
    State(start): State<Option<Value>>,
    State(end): State<Option<Value>>,
    State(projects): State<Option<Value>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<(Json<Value>, String), CallbackError> {
    let filters = Filters {
        account,
        start,
        end,
        projects,
    };
    let (viewer, params, title) = clicked_view(clicks, filters, &user, &portal).await?;
    let pdf = match portal.printer.print(&user, &params, &title).await {
        Ok(pdf) => pdf,
        Err(e) => {
            tracing::error!(error = %e, "a PDF export failed");
            return Ok((Json(Value::Null), format!("The PDF could not be made: {e}")));
        }
    };
    let name = file_name(
        &viewer.account_name(&params.account),
        &params.from_day,
        &params.to_day,
    )
    .replace(".csv", ".pdf");
    let status = format!("Exported {name} ({} kB).", pdf.len() / 1000);
    Ok((
        Json(json!({
            "content": base64::engine::general_purpose::STANDARD.encode(&pdf),
            "filename": name,
            "type": "application/pdf",
            "base64": true,
        })),
        status,
    ))
}

/// The PDF export: a background job (printing takes seconds) with the
/// button disabled while it runs.
pub fn pdf_callback() -> Callback {
    export_callback(Callback::new(export_pdf), "export-pdf", "download-pdf")
        .background()
        .interval(std::time::Duration::from_millis(250))
}

/// The export callback: the "Export CSV" button to the download.
pub fn csv_callback() -> Callback {
    export_callback(Callback::new(export_csv), "export-csv", "download-csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_slugs_of_the_account_and_days() {
        assert_eq!(
            file_name("Northwind Media", "2026-03-01", "2026-05-31"),
            "usage-northwind-media-2026-03-01-2026-05-31.csv"
        );
    }
}
