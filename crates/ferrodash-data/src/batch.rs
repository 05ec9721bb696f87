//! [`Batch`]: several writes in one transaction.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::bind::Bind;
use crate::call::QueryCall;
use crate::error::{DataError, Origin};
use crate::values::Scalar;

/// One rendered statement: where it comes from, its SQL with placeholders
/// and the values to bind.
pub(crate) type Statement = (Origin, Arc<str>, Vec<Scalar>);

/// Writes that take effect together: every statement added runs in one
/// transaction when the batch is [committed](Self::commit), and a failure
/// rolls all of them back. Start one with [`Bind::batch`].
///
/// Statements are rendered (their parameters checked) as they are added;
/// the first problem is kept and returned by `commit`, which then runs
/// nothing. Each statement gets the bind's query timeout. For more rows
/// than fit in memory at once, use a [`Transaction`](crate::Transaction),
/// which runs each call as it is made.
///
/// ```no_run
/// # async fn demo(bind: &ferrodash_data::Bind) -> Result<(), ferrodash_data::DataError> {
/// #[derive(serde::Serialize)]
/// struct Row { id: i64, amount: f64 }
/// let rows = [Row { id: 1, amount: 2.5 }, Row { id: 2, amount: 4.0 }];
/// bind.batch()
///     .execute_many(bind.query("upsert_row"), &rows)
///     .execute(bind.query("refresh_totals"))
///     .commit()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a batch does nothing until it is committed"]
pub struct Batch<'b> {
    bind: &'b Bind,
    statements: Vec<Statement>,
    /// How many statements each `execute` or `execute_many` added.
    groups: Vec<usize>,
    problem: Option<DataError>,
}

impl fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("bind", &self.bind.name())
            .field("statements", &self.statements.len())
            .field("problem", &self.problem)
            .finish()
    }
}

impl<'b> Batch<'b> {
    pub(crate) const fn new(bind: &'b Bind) -> Self {
        Self {
            bind,
            statements: Vec::new(),
            groups: Vec::new(),
            problem: None,
        }
    }

    /// Adds one statement: `call` with its [`params`](QueryCall::params).
    pub fn execute(mut self, call: QueryCall<'_>) -> Self {
        if self.problem.is_none() && self.same_bind(&call) {
            match call.render_one() {
                Ok(statement) => {
                    self.statements.push(statement);
                    self.groups.push(1);
                }
                Err(e) => self.problem = Some(e),
            }
        }
        self
    }

    /// Adds `call` once per element of `rows`, each a struct or map of
    /// parameter values.
    pub fn execute_many<P: Serialize>(mut self, call: QueryCall<'_>, rows: &[P]) -> Self {
        if self.problem.is_none() && self.same_bind(&call) {
            match call.render_rows(rows) {
                Ok(statements) => {
                    self.groups.push(statements.len());
                    self.statements.extend(statements);
                }
                Err(e) => self.problem = Some(e),
            }
        }
        self
    }

    /// How many statements the batch holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether the batch holds no statement.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs every statement in one transaction and returns the rows
    /// affected by each `execute` and `execute_many` call, in the order they
    /// were added (an `execute_many`'s rows added up). An empty batch runs
    /// nothing.
    ///
    /// # Errors
    ///
    /// The first problem found while statements were added (nothing ran),
    /// or the [`DataError`] of the statement that failed, naming its query
    /// (nothing was written).
    pub async fn commit(self) -> Result<Vec<u64>, DataError> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        if self.statements.is_empty() {
            return Ok(vec![0; self.groups.len()]);
        }
        let mut tx = self.bind.transaction().await?;
        let mut statements = self.statements.into_iter();
        let mut totals = Vec::with_capacity(self.groups.len());
        for size in self.groups {
            let mut total = 0;
            for statement in statements.by_ref().take(size) {
                total += tx.run_rendered(statement).await?;
            }
            totals.push(total);
        }
        tx.commit().await?;
        Ok(totals)
    }

    /// Keeps a problem when `call` is for another bind: its SQL was
    /// rendered for that bind's database.
    fn same_bind(&mut self, call: &QueryCall<'_>) -> bool {
        let same = call.bind().same_pool(self.bind);
        if !same {
            self.problem = Some(DataError::BadParams {
                origin: Origin::new(self.bind.name()),
                problem: format!(
                    "a batch on bind `{}` was given a query of bind `{}`: a batch runs on one \
                     database",
                    self.bind.name(),
                    call.bind().name()
                ),
            });
        }
        same
    }
}
