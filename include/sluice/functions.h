// sluice::functions: PySpark's pyspark.sql.functions under the same names.
// Functions whose names are C++ keywords or clash with std take a trailing underscore (struct_).
#pragma once

#include <string>
#include <vector>

#include "sluice/column.h"
#include "sluice/types.h"

namespace sluice {
class DataFrame;

namespace functions {

/// A column by name; "a.b" accesses field b of struct column a (or column b of relation a),
/// "*" / "t.*" select all columns.
Column col(const std::string& name);
inline Column column(const std::string& name) { return col(name); }
template <typename T>
Column lit(const T& v) { return ToColumn(v); }
Column lit(const Value& v);
/// Parses a SQL expression: expr("amount * 2 AS doubled").
Column expr(const std::string& sql);
/// Calls any function Sluice knows by its SQL name.
Column call_function(const std::string& name, const std::vector<Column>& args);

// Aggregates.
Column count(const Column& c);
Column count(const std::string& name);  // count("*") counts rows
Column count_distinct(const std::vector<Column>& cols);
Column countDistinct(const std::vector<Column>& cols);
Column approx_count_distinct(const Column& c);
Column sum(const Column& c);
Column sum(const std::string& name);
Column avg(const Column& c);
Column avg(const std::string& name);
Column mean(const Column& c);
Column min(const Column& c);
Column min(const std::string& name);
Column max(const Column& c);
Column max(const std::string& name);
Column first(const Column& c, bool ignorenulls = false);
Column last(const Column& c, bool ignorenulls = false);
Column collect_list(const Column& c);
Column collect_set(const Column& c);

// Windows (event time).
Column window(const Column& time_col, const std::string& window_duration);
Column window(const Column& time_col, const std::string& window_duration,
              const std::string& slide_duration, const std::string& start_time = "");
Column window(const std::string& time_col, const std::string& window_duration);
Column window(const std::string& time_col, const std::string& window_duration,
              const std::string& slide_duration, const std::string& start_time = "");
Column session_window(const Column& time_col, const std::string& gap_duration);
Column session_window(const Column& time_col, const Column& gap_duration);
Column window_time(const Column& window_col);

// Conditionals and nulls.
Column when(const Column& condition, const Column& value);
Column coalesce(const std::vector<Column>& cols);
Column isnull(const Column& c);
Column greatest(const std::vector<Column>& cols);
Column least(const std::vector<Column>& cols);

// Strings.
Column lower(const Column& c);
Column upper(const Column& c);
Column concat(const std::vector<Column>& cols);
Column concat_ws(const std::string& sep, const std::vector<Column>& cols);
Column substring(const Column& c, int pos, int len);
Column length(const Column& c);
Column split(const Column& c, const std::string& pattern, int limit = -1);
Column regexp_extract(const Column& c, const std::string& pattern, int idx);
Column regexp_replace(const Column& c, const std::string& pattern, const std::string& replacement);
Column trim(const Column& c);
Column ltrim(const Column& c);
Column rtrim(const Column& c);

// Date and time.
Column current_timestamp();
Column current_date();
Column hour(const Column& c);
Column minute(const Column& c);
Column second(const Column& c);
Column year(const Column& c);
Column month(const Column& c);
Column dayofmonth(const Column& c);
Column dayofweek(const Column& c);
Column date_trunc(const std::string& format, const Column& c);
Column to_timestamp(const Column& c);
Column to_timestamp(const Column& c, const std::string& format);
Column to_date(const Column& c);
Column to_date(const Column& c, const std::string& format);
Column date_format(const Column& c, const std::string& format);
Column timestamp_seconds(const Column& c);
Column unix_timestamp(const Column& c);

// JSON and nested data.
Column from_json(const Column& c, const TypePtr& schema);
Column from_json(const Column& c, const std::string& ddl_schema);
Column to_json(const Column& c);
Column get_json_object(const Column& c, const std::string& path);
Column struct_(const std::vector<Column>& cols);
Column array(const std::vector<Column>& cols);
Column element_at(const Column& c, const Column& key);
Column size(const Column& c);

// Math.
Column abs(const Column& c);
Column round(const Column& c, int scale = 0);
Column floor(const Column& c);
Column ceil(const Column& c);
Column sqrt(const Column& c);

/// Marks a DataFrame as small enough to broadcast in a join.
DataFrame broadcast(const DataFrame& df);

}  // namespace functions
}  // namespace sluice
