// Sluice: a stream-processing engine with Spark Structured Streaming semantics.
// Umbrella header: include this one. Everything else under include/sluice/ is public too; headers
// under src/ are internal.
#pragma once

#include "sluice/column.h"
#include "sluice/dataframe.h"
#include "sluice/exception.h"
#include "sluice/functions.h"
#include "sluice/group_state.h"
#include "sluice/row.h"
#include "sluice/session.h"
#include "sluice/streaming.h"
#include "sluice/types.h"
#include "sluice/value.h"
