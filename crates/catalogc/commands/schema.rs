//! `catalogc schema [--out DIR]`: the JSON Schemas of the descriptor kinds.

use catalogc_model::{Kind, schema};

use crate::ExitStatus;
use crate::args::{SchemaArgs, SchemaKind};

pub fn run(args: &SchemaArgs) -> ExitStatus {
    let Some(out) = &args.out else {
        let kind = match args.kind.unwrap_or(SchemaKind::Service) {
            SchemaKind::Catalog => Kind::Catalog,
            SchemaKind::Service => Kind::Service,
            SchemaKind::Team => Kind::Team,
            SchemaKind::Scorecard => Kind::Scorecard,
        };
        print!("{}", schema::to_pretty(&schema::schema_of(kind)));
        return ExitStatus::Success;
    };
    if let Err(error) = std::fs::create_dir_all(out) {
        return ExitStatus::Error(format!("cannot create {}: {error}", out.display()));
    }
    for (file, value) in schema::all() {
        let path = out.join(&file);
        if let Err(error) = std::fs::write(&path, schema::to_pretty(&value)) {
            return ExitStatus::Error(format!("cannot write {}: {error}", path.display()));
        }
        eprintln!("wrote {}", path.display());
    }
    ExitStatus::Success
}
