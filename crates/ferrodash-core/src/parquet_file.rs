//! [`Columns`] written as an Apache Parquet file, through Arrow arrays.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, RecordBatchOptions, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::download::DownloadError;
use crate::{Column, Columns};

/// The file's bytes: one nullable column per column of `table`, in order.
pub(crate) fn write(table: &Columns) -> Result<Vec<u8>, DownloadError> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, column) in table.iter() {
        let (data_type, array): (DataType, ArrayRef) = match column {
            Column::Int(values) => (DataType::Int64, Arc::new(Int64Array::from(values.clone()))),
            Column::Float(values) => (
                DataType::Float64,
                Arc::new(Float64Array::from(values.clone())),
            ),
            Column::Bool(values) => (
                DataType::Boolean,
                Arc::new(BooleanArray::from(values.clone())),
            ),
            Column::Text(values) => (
                DataType::Utf8,
                Arc::new(values.iter().map(Option::as_deref).collect::<StringArray>()),
            ),
        };
        fields.push(Field::new(name, data_type, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let options = RecordBatchOptions::new().with_row_count(Some(table.len()));
    let batch = RecordBatch::try_new_with_options(Arc::clone(&schema), arrays, &options)?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(Vec::new(), schema, Some(properties))?;
    writer.write(&batch)?;
    Ok(writer.into_inner()?)
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use serde_json::json;

    use crate::{Columns, Download};

    #[test]
    fn a_table_reads_back_with_its_types_and_nulls() {
        let rows = vec![
            json!({"project": "Newsroom", "gib": 1843.5, "items": 12, "live": true}),
            json!({"project": "=cmd()", "gib": null, "items": 3, "live": false}),
            json!({"project": null, "gib": 2.25, "items": null, "live": null}),
        ];
        let table = Columns::from_rows(&rows).unwrap();
        let download = Download::parquet("reports/usage.parquet", &table).unwrap();
        assert!(download.is_base64());
        assert_eq!(download.filename(), "reports_usage.parquet");
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            download.content(),
        )
        .unwrap();
        assert_eq!(&bytes[..4], b"PAR1");

        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(batches.len(), 1);
        let batch = &batches[0];
        assert_eq!(batch.num_rows(), 3);
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, table.names());
        let column = |name: &str| batch.column(schema.index_of(name).unwrap()).clone();
        let project = column("project");
        let project = project
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        // Text is kept as it is: a formula guard belongs to spreadsheets' CSV.
        assert_eq!((project.value(0), project.value(1)), ("Newsroom", "=cmd()"));
        assert!(project.is_null(2));
        let gib = column("gib");
        let gib = gib
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        assert_eq!(
            (gib.value(0), gib.is_null(1), gib.value(2)),
            (1843.5, true, 2.25)
        );
        let items = column("items");
        let items = items
            .as_any()
            .downcast_ref::<arrow_array::Int64Array>()
            .unwrap();
        assert_eq!(
            (items.value(0), items.value(1), items.is_null(2)),
            (12, 3, true)
        );
        let live = column("live");
        let live = live
            .as_any()
            .downcast_ref::<arrow_array::BooleanArray>()
            .unwrap();
        assert_eq!(
            (live.value(0), live.value(1), live.is_null(2)),
            (true, false, true)
        );
    }

    #[test]
    fn an_empty_table_is_a_valid_file() {
        let table = Columns::from_rows::<serde_json::Value>(&[]).unwrap();
        let download = Download::parquet("empty.parquet", &table).unwrap();
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            download.content(),
        )
        .unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
    }
}
