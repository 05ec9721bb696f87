//! One-line summaries of the non-HTML components, in our own words (Dash's
//! descriptions are not copied). A component missing here gets a generic line.

/// The summary of a `dash_core_components` or `dash_table` component.
pub(crate) fn summary(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "Button" => "A button that counts its clicks.",
        "Checklist" => "A list of checkboxes; `value` is the list of checked options.",
        "Clipboard" => "An icon that copies text to the clipboard when clicked.",
        "ConfirmDialog" => "A browser confirmation dialog, shown when `displayed` is set.",
        "ConfirmDialogProvider" => "Wraps a clickable child and asks for confirmation first.",
        "DataTable" => "An interactive table with sorting, filtering, editing, paging and export.",
        "DatePickerRange" => "Picks a start date and an end date from a calendar.",
        "DatePickerSingle" => "Picks one date from a calendar.",
        "Download" => "Makes the browser download a file sent from a callback.",
        "Dropdown" => "A drop-down list to pick one option or several.",
        "Geolocation" => "Reads the browser's position.",
        "Graph" => "A Plotly chart.",
        "Input" => "A single-line input field for text or numbers.",
        "Interval" => "A timer: counts up `n_intervals` at a fixed period.",
        "Link" => "A link that changes the page's URL without reloading the page.",
        "Loading" => "Shows a spinner over its children while they are being updated.",
        "Location" => "Reads and writes the browser's address bar.",
        "Markdown" => "Renders Markdown text.",
        "RadioItems" => "A list of radio buttons; `value` is the chosen option.",
        "RangeSlider" => "A slider with two or more handles that picks a range.",
        "Slider" => "A slider that picks one number.",
        "Store" => "Keeps JSON data in the browser: in memory, per session or per browser.",
        "Tab" => "One tab of a `Tabs` component, with the content shown when selected.",
        "Tabs" => "A row of tabs that shows the selected tab's content.",
        "Textarea" => "A multi-line text input.",
        "Tooltip" => "A box of content shown next to a point, e.g. for graph hover.",
        "Upload" => "Lets the user upload files by dropping them or choosing them.",
        _ => return None,
    })
}
