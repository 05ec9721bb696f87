//! One browser tab.

use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::input::{
    DispatchKeyEventParams, DispatchKeyEventType, DispatchMouseEventParams, DispatchMouseEventType,
    InsertTextParams, MouseButton,
};
use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, NavigateParams, Viewport,
};
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EvaluateParams, EventConsoleApiCalled, EventExceptionThrown,
    ExceptionDetails, RemoteObject,
};
use chromiumoxide::error::CdpError;
use chromiumoxide::keys::KeyDefinition;
use chromiumoxide::layout::Point;
use chromiumoxide::listeners::EventStream;
use chromiumoxide::page::ScreenshotParams;
use futures_util::{FutureExt as _, StreamExt as _};
use serde::de::DeserializeOwned;

use super::BrowserError;
use super::js::{self, ClickTarget, FocusTarget};

/// How often the `wait_*` methods re-check the page.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// How long [`Page::goto`] leaves the navigation to chromiumoxide before it
/// also watches the page itself.
const NAVIGATION_WATCH_DELAY: Duration = Duration::from_millis(500);

/// A browser tab, opened with [`Browser::open`](super::Browser::open).
///
/// Every method that waits ([`wait_for`](Self::wait_for),
/// [`wait_for_text`](Self::wait_for_text), [`wait_until`](Self::wait_until))
/// and every action ([`click`](Self::click), [`type_text`](Self::type_text),
/// [`clear_and_type`](Self::clear_and_type)) gives up after the page's
/// [timeout](Self::timeout): 10 s unless changed with
/// [`LaunchOptions::with_timeout`](super::LaunchOptions::with_timeout),
/// [`with_timeout`](Self::with_timeout) or [`set_timeout`](Self::set_timeout).
/// Actions wait for their element to exist, be visible and not be covered by
/// another element, so a test need not `wait_for` an element before clicking
/// it. Queries ([`text`](Self::text), [`count`](Self::count),
/// [`eval`](Self::eval)) look once and do not wait.
///
/// Input is real: clicks are mouse events at the element's centre and typing
/// is key events, dispatched through the DevTools protocol exactly as a user's
/// would be, so React (and therefore Dash) sees them like any other input.
///
/// Selectors are CSS selectors for [`document.querySelector`]; the first match
/// is used. They do not reach into iframes or shadow roots.
///
/// [`document.querySelector`]: https://developer.mozilla.org/en-US/docs/Web/API/Document/querySelector
pub struct Page {
    inner: chromiumoxide::Page,
    timeout: Duration,
    key_delay: Duration,
    console: Mutex<ConsoleLog>,
}

/// The pause between typed keys: about a frame, so a page's script (React
/// re-rendering a controlled input) settles between keys as it does for a
/// person typing.
const DEFAULT_KEY_DELAY: Duration = Duration::from_millis(20);

impl fmt::Debug for Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("target_id", self.inner.target_id())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// One step of a polling wait.
enum Probe<T> {
    /// The condition holds.
    Done(T),
    /// Not yet; what was seen this time, for the timeout message.
    Pending(Option<String>),
}

impl Page {
    /// Wraps a freshly created tab and starts collecting its console errors;
    /// the listeners are in place before anything is loaded into it.
    pub(crate) async fn attach(
        inner: chromiumoxide::Page,
        timeout: Duration,
    ) -> Result<Self, BrowserError> {
        let console = ConsoleLog {
            console_calls: inner.event_listener::<EventConsoleApiCalled>().await?,
            exceptions: inner.event_listener::<EventExceptionThrown>().await?,
            log_entries: inner.event_listener::<EventEntryAdded>().await?,
            errors: Vec::new(),
        };
        Ok(Self {
            inner,
            timeout,
            key_delay: DEFAULT_KEY_DELAY,
            console: Mutex::new(console),
        })
    }

    /// Returns the page with a different timeout for its waits and actions.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Returns the page with a different pause between typed keys (default
    /// 20 ms).
    #[must_use]
    pub fn with_key_delay(mut self, delay: Duration) -> Self {
        self.key_delay = delay;
        self
    }

    /// Changes the timeout of this page's waits and actions.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The timeout of this page's waits and actions.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The underlying [`chromiumoxide::Page`], for anything this harness does
    /// not cover (raw DevTools commands, cookies, PDF printing, ...).
    ///
    /// The `chromiumoxide` version is therefore part of this crate's API.
    #[must_use]
    pub fn cdp(&self) -> &chromiumoxide::Page {
        &self.inner
    }

    /// Navigates to `url` and waits until the page has loaded (its `load`
    /// event). Scripts that render later, such as Dash's renderer fetching
    /// the layout, may still be running: follow with [`wait_for`](Self::wait_for).
    ///
    /// A URL that cannot be loaded (connection refused, unknown host) is a
    /// [`BrowserError::Navigation`].
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        let navigation_error = |reason: String| BrowserError::Navigation {
            url: url.to_owned(),
            reason,
        };
        // chromiumoxide reports a navigation once it has seen both the answer
        // to `Page.navigate` and the new document's lifecycle events; on a
        // heavily loaded machine it was seen to miss the latter for an error
        // page and give up only after its 30 s request timeout. So the page
        // is also watched directly: the old document gets a marker, and a
        // document without it that has finished loading is the new one.
        if let Err(e) = self.run(js::MARK_DOCUMENT).await {
            tracing::debug!(error = %e, "could not mark the old document");
        }
        let navigation = self.inner.goto(NavigateParams::new(url));
        let watch = async {
            tokio::time::sleep(NAVIGATION_WATCH_DELAY).await;
            loop {
                if let Ok(Ok(state)) = self.try_eval::<js::DocumentState>(js::DOCUMENT_STATE).await
                {
                    match state {
                        js::DocumentState::Loaded => return Ok(()),
                        js::DocumentState::Failed { code } => return Err(navigation_error(code)),
                        js::DocumentState::Loading => {}
                    }
                }
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        };
        tokio::select! {
            result = navigation => match result {
                Ok(_) => Ok(()),
                Err(CdpError::ChromeMessage(reason)) => Err(navigation_error(reason)),
                Err(e) => Err(e.into()),
            },
            result = watch => result,
        }
    }

    /// The URL the page is showing.
    pub async fn url(&self) -> Result<String, BrowserError> {
        Ok(self.inner.url().await?.unwrap_or_default())
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> Result<(), BrowserError> {
        let script = &js::exists(css);
        self.poll(
            || format!("an element matching `{css}`"),
            move || async move {
                Ok(match self.try_eval::<bool>(script).await? {
                    Ok(true) => Probe::Done(()),
                    Ok(false) => Probe::Pending(None),
                    Err(error) => Probe::Pending(Some(error)),
                })
            },
        )
        .await
    }

    /// Clicks the element that matches `css` with the left mouse button, at
    /// its centre, after scrolling it into view.
    ///
    /// Waits (up to the page timeout) until the element exists, has a size,
    /// and would itself receive a click at its centre rather than an element
    /// lying over it. If the page moves under the pointer at the last moment
    /// (Dash renders asynchronously) and the press or the release lands on
    /// another element, the stray events are swallowed before any handler
    /// sees them and the click is tried again. Fails with [`BrowserError::NoElement`] if nothing ever
    /// matched, or [`BrowserError::Timeout`] naming what was in the way.
    pub async fn click(&self, css: &str) -> Result<(), BrowserError> {
        let arm = &js::arm_click(css);
        let outcome = &js::click_outcome();
        let seen = AtomicBool::new(false);
        let seen = &seen;
        self.poll(
            || format!("`{css}` to be visible and clickable"),
            move || async move {
                let (x, y) = match self.try_eval::<ClickTarget>(arm).await? {
                    Ok(ClickTarget::Ready { x, y }) => (x, y),
                    Ok(ClickTarget::Missing) => return Ok(Probe::Pending(None)),
                    Ok(ClickTarget::Hidden) => {
                        seen.store(true, Ordering::Relaxed);
                        return Ok(Probe::Pending(Some("the element has no size".to_owned())));
                    }
                    Ok(ClickTarget::Covered { by }) => {
                        seen.store(true, Ordering::Relaxed);
                        return Ok(Probe::Pending(Some(format!(
                            "the element is covered by <{by}>"
                        ))));
                    }
                    Err(error) => return Ok(Probe::Pending(Some(error))),
                };
                seen.store(true, Ordering::Relaxed);
                self.inner.click(Point { x, y }).await?;
                // A click that navigates away takes the guard with it; that
                // counts as done.
                Ok(match self.try_eval::<String>(outcome).await? {
                    Ok(result) if result.starts_with("landed on ") => {
                        tracing::debug!(selector = css, %result, "click missed; retrying");
                        Probe::Pending(Some(format!("the click {result}")))
                    }
                    _ => Probe::Done(()),
                })
            },
        )
        .await
        .map_err(|e| missing_if(e, css, seen.load(Ordering::Relaxed)))
    }

    /// Drags the mouse with the left button held, from `from` to `to` (page
    /// coordinates in CSS pixels), in ten moves: what a user does to zoom a
    /// chart by drawing a box, or to move a slider's handle. Does not wait
    /// for anything.
    pub async fn drag(&self, from: (f64, f64), to: (f64, f64)) -> Result<(), BrowserError> {
        const STEPS: u32 = 10;
        let event = |kind: DispatchMouseEventType, (x, y): (f64, f64), buttons: i64| {
            DispatchMouseEventParams::builder()
                .r#type(kind)
                .x(x)
                .y(y)
                .button(MouseButton::Left)
                .buttons(buttons)
                .click_count(1)
                .build()
                .map_err(|reason| {
                    BrowserError::Cdp(CdpError::ChromeMessage(format!(
                        "invalid mouse event: {reason}"
                    )))
                })
        };
        self.inner
            .execute(event(DispatchMouseEventType::MouseMoved, from, 0)?)
            .await?;
        self.inner
            .execute(event(DispatchMouseEventType::MousePressed, from, 1)?)
            .await?;
        for step in 1..=STEPS {
            let t = f64::from(step) / f64::from(STEPS);
            let at = (
                (to.0 - from.0).mul_add(t, from.0),
                (to.1 - from.1).mul_add(t, from.1),
            );
            self.inner
                .execute(event(DispatchMouseEventType::MouseMoved, at, 1)?)
                .await?;
        }
        self.inner
            .execute(event(DispatchMouseEventType::MouseReleased, to, 0)?)
            .await?;
        Ok(())
    }

    /// Types `text` into the element that matches `css`, after the text it
    /// already holds: focuses the element, puts the caret at the end and
    /// sends one key press per character (characters that are not on a US
    /// keyboard are inserted as text input, like an input method would).
    ///
    /// `'\n'` presses Enter. Waits for the element like [`click`](Self::click).
    pub async fn type_text(&self, css: &str, text: &str) -> Result<(), BrowserError> {
        self.focus(css, false).await?;
        self.type_chars(text).await
    }

    /// Replaces the text of the element that matches `css`: focuses it,
    /// selects all its text, deletes it with a Backspace key press and types
    /// `text` as [`type_text`](Self::type_text) does.
    ///
    /// Selecting is done by the DOM (`select()`, or a selection range for
    /// `contenteditable` elements) rather than with a platform-specific
    /// Ctrl+A/Cmd+A; the deletion and the typing are real key events.
    pub async fn clear_and_type(&self, css: &str, text: &str) -> Result<(), BrowserError> {
        if self.focus(css, true).await? {
            self.press_key("Backspace").await?;
        }
        self.type_chars(text).await
    }

    /// Presses and releases one key on the focused element, e.g. `"Enter"`,
    /// `"Backspace"`, `"Tab"`, `"ArrowDown"`, `"Escape"` or `"a"` (names as in
    /// [`KeyboardEvent.key`](https://developer.mozilla.org/en-US/docs/Web/API/UI_Events/Keyboard_event_key_values)).
    pub async fn press_key(&self, key: &str) -> Result<(), BrowserError> {
        match chromiumoxide::keys::get_key_definition(key) {
            Some(definition) => self.dispatch_key(definition).await,
            None => Err(BrowserError::UnknownKey {
                key: key.to_owned(),
            }),
        }
    }

    /// The `innerText` of the element that matches `css` (what a user sees:
    /// hidden parts left out, line breaks as rendered). Does not wait.
    pub async fn text(&self, css: &str) -> Result<String, BrowserError> {
        self.eval::<Option<String>>(&js::inner_text(css))
            .await?
            .ok_or_else(|| BrowserError::NoElement {
                selector: css.to_owned(),
            })
    }

    /// Waits until the `innerText` of the element that matches `css`, with
    /// surrounding white space trimmed, equals `expected` (also trimmed).
    ///
    /// On timeout the error's `last` holds the text seen last, or `None` if
    /// no element ever matched.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Result<(), BrowserError> {
        let script = &js::inner_text(css);
        let expected = expected.trim();
        self.poll(
            || format!("the text of `{css}` to be {expected:?}"),
            move || async move {
                Ok(match self.try_eval::<Option<String>>(script).await? {
                    Ok(Some(text)) if text.trim() == expected => Probe::Done(()),
                    Ok(Some(text)) => Probe::Pending(Some(text.trim().to_owned())),
                    Ok(None) => Probe::Pending(None),
                    Err(error) => Probe::Pending(Some(error)),
                })
            },
        )
        .await
    }

    /// Waits until the JavaScript expression `js_predicate` is truthy. It may
    /// return a promise, which is awaited. An exception counts as "not yet"
    /// (and is reported as the last value seen if time runs out).
    pub async fn wait_until(&self, js_predicate: &str) -> Result<(), BrowserError> {
        let script = &js::truthy(js_predicate);
        self.poll(
            || format!("`{js_predicate}` to be truthy"),
            move || async move {
                Ok(match self.try_eval::<bool>(script).await? {
                    Ok(true) => Probe::Done(()),
                    Ok(false) => Probe::Pending(Some("false".to_owned())),
                    Err(error) => Probe::Pending(Some(error)),
                })
            },
        )
        .await
    }

    /// Evaluates the JavaScript expression `js` in the page (awaiting it if it
    /// is a promise) and deserializes its JSON value; `undefined` becomes
    /// `null`, so `()` and `Option<_>` accept it.
    ///
    /// ```no_run
    /// # async fn demo(page: &ferrodash_testing::browser::Page) -> Result<(), ferrodash_testing::browser::BrowserError> {
    /// let title: String = page.eval("document.title").await?;
    /// let width: u32 = page.eval("window.innerWidth").await?;
    /// # Ok(()) }
    /// ```
    pub async fn eval<T: DeserializeOwned>(&self, js: &str) -> Result<T, BrowserError> {
        let params = EvaluateParams::builder()
            .expression(js)
            .await_promise(true)
            .return_by_value(true)
            .build()
            .map_err(|reason| BrowserError::Js { message: reason })?;
        let value = match self.inner.evaluate_expression(params).await {
            Ok(result) => result.value().cloned().unwrap_or(serde_json::Value::Null),
            Err(CdpError::JavascriptException(details)) => {
                return Err(BrowserError::Js {
                    message: describe_exception(&details),
                });
            }
            Err(e) => return Err(e.into()),
        };
        serde_json::from_value(value).map_err(|source| BrowserError::Decode {
            expression: js.to_owned(),
            source,
        })
    }

    /// Runs the JavaScript `js` for its effect, ignoring its value (awaiting
    /// it if it is a promise). Fails only if it throws.
    pub async fn run(&self, js: &str) -> Result<(), BrowserError> {
        self.eval::<serde_json::Value>(js).await.map(drop)
    }

    /// The number of elements that match `css`. Does not wait.
    pub async fn count(&self, css: &str) -> Result<usize, BrowserError> {
        self.eval(&js::count(css)).await
    }

    /// Saves a PNG screenshot of the whole page (not only the viewport) to
    /// `path`, creating or replacing the file.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), BrowserError> {
        let png = self.screenshot_png().await?;
        let path = path.as_ref();
        tokio::fs::write(path, png)
            .await
            .map_err(|source| BrowserError::Io {
                action: "writing the screenshot",
                path: path.to_path_buf(),
                source,
            })
    }

    /// A PNG screenshot of the whole page, as bytes.
    ///
    /// The page is captured beyond the viewport without resizing it, so the
    /// app sees no `resize` event (Plotly graphs would redraw on one).
    pub async fn screenshot_png(&self) -> Result<Vec<u8>, BrowserError> {
        let size = self.inner.layout_metrics().await?.css_content_size;
        let clip = Viewport {
            x: 0.0,
            y: 0.0,
            width: size.width.max(1.0),
            height: size.height.max(1.0),
            scale: 1.0,
        };
        let params = ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .clip(clip)
            .capture_beyond_viewport(true)
            .from_surface(true)
            .build();
        Ok(self.inner.screenshot(params).await?)
    }

    /// The console errors of this page since it was opened, oldest first:
    /// `console.error` and failed `console.assert` calls, uncaught exceptions
    /// and unhandled promise rejections, and browser-reported errors such as
    /// a script or stylesheet that failed to load. Chromium's own request for
    /// `/favicon.ico` (made when a page names no icon) is left out.
    ///
    /// Asserting that this is empty is a cheap check that a Dash page rendered
    /// without front-end errors. Events the browser emitted before this call
    /// are included: the method first makes two round trips to the page so
    /// that they have been delivered.
    pub async fn console_errors(&self) -> Vec<String> {
        // Events are delivered in order with command responses; the second
        // round trip guarantees that the handler has also handed over every
        // event that arrived with the first (see `chromiumoxide::Handler`).
        for _ in 0..2 {
            if let Err(e) = self.eval::<serde_json::Value>("0").await {
                tracing::debug!(error = %e, "console_errors: round trip to the page failed");
            }
        }
        let mut log = self
            .console
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        log.drain();
        log.errors.clone()
    }

    /// Closes the tab.
    pub async fn close(self) -> Result<(), BrowserError> {
        self.inner.clone().close().await?;
        Ok(())
    }

    /// Focuses the first match of `css` for typing (waiting like `click`);
    /// returns whether it holds text (which `select_all` selected).
    async fn focus(&self, css: &str, select_all: bool) -> Result<bool, BrowserError> {
        let script = &js::focus_for_typing(css, select_all);
        let seen = AtomicBool::new(false);
        let seen = &seen;
        self.poll(
            || format!("`{css}` to accept keyboard focus"),
            move || async move {
                Ok(match self.try_eval::<FocusTarget>(script).await? {
                    Ok(FocusTarget::Ready { has_text }) => Probe::Done(has_text),
                    Ok(FocusTarget::Missing) => Probe::Pending(None),
                    Ok(FocusTarget::Unfocusable) => {
                        seen.store(true, Ordering::Relaxed);
                        Probe::Pending(Some("the element cannot take focus".to_owned()))
                    }
                    Err(error) => Probe::Pending(Some(error)),
                })
            },
        )
        .await
        .map_err(|e| missing_if(e, css, seen.load(Ordering::Relaxed)))
    }

    async fn type_chars(&self, text: &str) -> Result<(), BrowserError> {
        let mut buf = [0; 4];
        for (i, c) in text.chars().enumerate() {
            if i > 0 && !self.key_delay.is_zero() {
                tokio::time::sleep(self.key_delay).await;
            }
            let key: &str = match c {
                '\n' | '\r' => "Enter",
                _ => c.encode_utf8(&mut buf),
            };
            match chromiumoxide::keys::get_key_definition(key) {
                Some(definition) => self.dispatch_key(definition).await?,
                None => {
                    self.inner.execute(InsertTextParams::new(key)).await?;
                }
            }
        }
        Ok(())
    }

    /// Presses and releases one key: a key-down that carries the key's text
    /// (which is what makes the browser insert it and fire `input`), then a
    /// key-up.
    async fn dispatch_key(&self, key: &KeyDefinition) -> Result<(), BrowserError> {
        let text = key
            .text
            .or_else(|| (key.key.chars().count() == 1).then_some(key.key));
        let event = |kind: DispatchKeyEventType| {
            DispatchKeyEventParams::builder()
                .r#type(kind)
                .key(key.key)
                .code(key.code)
                .windows_virtual_key_code(key.key_code)
                .native_virtual_key_code(key.key_code)
        };
        let down = match text {
            Some(text) => event(DispatchKeyEventType::KeyDown)
                .text(text)
                .unmodified_text(text),
            // Keys without text (arrows, Backspace, ...) go down "raw".
            None => event(DispatchKeyEventType::RawKeyDown),
        };
        let up = event(DispatchKeyEventType::KeyUp);
        for params in [down, up] {
            let params = params.build().map_err(|reason| {
                BrowserError::Cdp(CdpError::ChromeMessage(format!(
                    "invalid key event for {:?}: {reason}",
                    key.key
                )))
            })?;
            self.inner.execute(params).await?;
        }
        Ok(())
    }

    /// Evaluates `js`, separating what a wait should retry (a JavaScript
    /// exception, a page between two documents) from what it should not (the
    /// browser is gone).
    async fn try_eval<T: DeserializeOwned>(
        &self,
        js: &str,
    ) -> Result<Result<T, String>, BrowserError> {
        match self.eval(js).await {
            Ok(value) => Ok(Ok(value)),
            Err(BrowserError::Cdp(e)) if !is_retryable(&e) => Err(BrowserError::Cdp(e)),
            Err(e) => Ok(Err(e.to_string())),
        }
    }

    /// Runs `probe` every [`POLL_INTERVAL`] until it is done or the page's
    /// timeout has passed.
    ///
    /// `probe` is a closure returning a future (not an async closure): the
    /// futures of async closures are not provably `Send`, and this crate's
    /// futures must be, so that tests can spawn them.
    async fn poll<T, F, Fut>(
        &self,
        what: impl FnOnce() -> String,
        mut probe: F,
    ) -> Result<T, BrowserError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Probe<T>, BrowserError>>,
    {
        let deadline = Instant::now() + self.timeout;
        let mut last = None;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(remaining.max(POLL_INTERVAL), probe()).await {
                Ok(Ok(Probe::Done(value))) => return Ok(value),
                Ok(Ok(Probe::Pending(seen))) => last = seen,
                Ok(Err(error)) => return Err(error),
                Err(_) => {}
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(BrowserError::Timeout {
                    what: what(),
                    last,
                    timeout: self.timeout,
                });
            }
            tokio::time::sleep(remaining.min(POLL_INTERVAL)).await;
        }
    }
}

/// Turns the timeout of an action into `NoElement` when no element ever
/// matched.
fn missing_if(error: BrowserError, css: &str, seen: bool) -> BrowserError {
    match error {
        BrowserError::Timeout { last: None, .. } if !seen => BrowserError::NoElement {
            selector: css.to_owned(),
        },
        other => other,
    }
}

/// Whether a failed evaluation may succeed later: protocol-level refusals
/// (e.g. no execution context during a navigation) may; a broken connection
/// may not.
fn is_retryable(error: &CdpError) -> bool {
    !matches!(
        error,
        CdpError::Ws(_)
            | CdpError::Io(_)
            | CdpError::ChannelSendError(_)
            | CdpError::NoResponse
            | CdpError::UnexpectedWsMessage(_)
    )
}

/// The console events of one page, read when [`Page::console_errors`] asks.
struct ConsoleLog {
    console_calls: EventStream<EventConsoleApiCalled>,
    exceptions: EventStream<EventExceptionThrown>,
    log_entries: EventStream<EventEntryAdded>,
    errors: Vec<String>,
}

impl fmt::Debug for ConsoleLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleLog")
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

/// An event with the time the browser stamped on it, for putting the three
/// streams back in order.
struct Stamped {
    at: f64,
    message: String,
}

impl ConsoleLog {
    /// Moves every event already delivered into `errors`, in time order.
    fn drain(&mut self) {
        let mut new = Vec::new();
        while let Some(Some(event)) = self.console_calls.next().now_or_never() {
            if matches!(
                event.r#type,
                ConsoleApiCalledType::Error | ConsoleApiCalledType::Assert
            ) {
                let text: Vec<String> = event.args.iter().map(describe_value).collect();
                new.push(Stamped {
                    at: *event.timestamp.inner(),
                    message: format!("console.{}: {}", event.r#type.as_ref(), text.join(" ")),
                });
            }
        }
        while let Some(Some(event)) = self.exceptions.next().now_or_never() {
            new.push(Stamped {
                at: *event.timestamp.inner(),
                message: describe_exception(&event.exception_details),
            });
        }
        while let Some(Some(event)) = self.log_entries.next().now_or_never() {
            let entry = &event.entry;
            if entry.level == LogEntryLevel::Error && !is_implicit_favicon(entry.url.as_deref()) {
                let mut message = entry.text.clone();
                if let Some(url) = &entry.url {
                    message = format!("{message} ({url})");
                }
                new.push(Stamped {
                    at: *entry.timestamp.inner(),
                    message,
                });
            }
        }
        new.sort_by(|a, b| a.at.total_cmp(&b.at));
        self.errors.extend(new.into_iter().map(|s| s.message));
    }
}

/// Chromium asks every site for `/favicon.ico` unless the page names an
/// icon; a 404 for that request is not an error of the page.
fn is_implicit_favicon(url: Option<&str>) -> bool {
    let Some(url) = url else { return false };
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map(|i| &after_scheme[i..]) == Some("/favicon.ico")
}

/// A console argument as the console would print it.
fn describe_value(value: &RemoteObject) -> String {
    match &value.value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => value
            .description
            .clone()
            .or_else(|| {
                value
                    .unserializable_value
                    .as_ref()
                    .map(|u| u.inner().clone())
            })
            .unwrap_or_else(|| value.r#type.as_ref().to_owned()),
    }
}

/// "Uncaught Error: boom (at http://127.0.0.1:8050/:12:5)": the first line of
/// the exception's description (the rest is the stack) and where it was thrown.
fn describe_exception(details: &ExceptionDetails) -> String {
    let thrown = details.exception.as_ref().map(|e| {
        describe_value(e)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let mut message = match thrown {
        Some(thrown) if details.text.is_empty() => thrown,
        // Some reports already spell the exception out in `text`.
        Some(thrown) if details.text.contains(&thrown) => details.text.clone(),
        Some(thrown) => format!("{} {thrown}", details.text),
        None => details.text.clone(),
    };
    if let Some(url) = details.url.as_deref().filter(|u| !u.is_empty()) {
        message = format!(
            "{message} (at {url}:{}:{})",
            details.line_number + 1,
            details.column_number + 1
        );
    }
    message
}

#[cfg(test)]
mod tests {
    use super::is_implicit_favicon;

    #[test]
    fn only_the_root_favicon_is_implicit() {
        assert!(is_implicit_favicon(Some(
            "http://127.0.0.1:1234/favicon.ico"
        )));
        assert!(!is_implicit_favicon(Some(
            "http://127.0.0.1:1234/favicon.ico?v=1"
        )));
        assert!(!is_implicit_favicon(Some(
            "http://127.0.0.1:1234/assets/favicon.ico"
        )));
        assert!(!is_implicit_favicon(Some(
            "http://127.0.0.1:1234/missing.js"
        )));
        assert!(!is_implicit_favicon(None));
    }
}
