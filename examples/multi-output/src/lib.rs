//! Several outputs per callback, and callbacks that feed each other: picking a
//! country sets the city choices and the chosen city, which in turn sets the
//! summary text and its colour.
//!
//! Run with `cargo run -p example-multi-output`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

/// Cities of each country, with populations in thousands.
const CITIES: &[(&str, &[(&str, u32)])] = &[
    (
        "France",
        &[("Paris", 2_103), ("Lyon", 522), ("Marseille", 873)],
    ),
    (
        "Japan",
        &[("Tokyo", 13_960), ("Osaka", 2_753), ("Kyoto", 1_464)],
    ),
    (
        "Brazil",
        &[("São Paulo", 11_451), ("Rio de Janeiro", 6_211)],
    ),
];

fn cities_of(country: &str) -> &'static [(&'static str, u32)] {
    CITIES
        .iter()
        .find(|(c, _)| *c == country)
        .map_or(&[], |(_, cities)| cities)
}

/// First link of the chain: the country sets the city options and value.
async fn choose_country(
    Input(country): Input<Option<String>>,
) -> Result<(Json<Vec<&'static str>>, String), CallbackError> {
    let country = country.ok_or(PreventUpdate)?;
    let cities = cities_of(&country);
    let names: Vec<&str> = cities.iter().map(|(name, _)| *name).collect();
    let first = names.first().copied().ok_or(PreventUpdate)?.to_owned();
    Ok((Json(names), first))
}

/// Second link: the city sets the summary text and its style.
async fn summarize(
    Input(city): Input<Option<String>>,
    State(country): State<Option<String>>,
) -> Result<(String, Value), CallbackError> {
    let (city, country) = (city.ok_or(PreventUpdate)?, country.unwrap_or_default());
    let population = cities_of(&country)
        .iter()
        .find(|(name, _)| *name == city)
        .map(|(_, p)| *p)
        .ok_or(PreventUpdate)?;
    let colour = if population >= 5_000 {
        "darkred"
    } else {
        "darkgreen"
    };
    Ok((
        format!("{city} ({country}) has about {population} thousand people"),
        json!({"color": colour, "fontWeight": "bold"}),
    ))
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    let countries: Vec<&str> = CITIES.iter().map(|(c, _)| *c).collect();
    App::builder()
        .title("Multi-output and chained callbacks")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("Countries and cities"),
            dcc::radio_items("country")
                .options(countries)
                .value("France"),
            html::hr(()),
            dcc::radio_items("city"),
            html::hr(()),
            html::div(()).id("summary"),
        )))
        .callback(
            Callback::new(choose_country)
                .output("city", "options")
                .output("city", "value")
                .input("country", "value"),
        )
        .callback(
            Callback::new(summarize)
                .output("summary", "children")
                .output("summary", "style")
                .input("city", "value")
                .state("country", "value"),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    #[tokio::test]
    async fn country_sets_cities_and_city_sets_summary() {
        let client = TestClient::new(&super::app("/").unwrap());
        let cities = client
            .call(
                &CallbackCall::new()
                    .output("city", "options")
                    .output("city", "value")
                    .input("country", "value", json!("Brazil")),
            )
            .await;
        assert_eq!(
            cities.json()["response"]["city"],
            json!({"options": ["São Paulo", "Rio de Janeiro"], "value": "São Paulo"})
        );
        let summary = client
            .call(
                &CallbackCall::new()
                    .output("summary", "children")
                    .output("summary", "style")
                    .input("city", "value", json!("Lyon"))
                    .state("country", "value", json!("France")),
            )
            .await;
        let body = summary.json();
        assert_eq!(
            body["response"]["summary"]["children"],
            "Lyon (France) has about 522 thousand people"
        );
        assert_eq!(body["response"]["summary"]["style"]["color"], "darkgreen");
        // No country yet: nothing to update.
        let none = client
            .call(
                &CallbackCall::new()
                    .output("city", "options")
                    .output("city", "value")
                    .input("country", "value", json!(null)),
            )
            .await;
        assert_eq!(none.status(), 204);
    }
}
