//! Module calls during evaluation (step 3): a `module` block is one node of its unit's
//! dependency graph. When its turn comes, its `for_each` and inputs are evaluated in the calling
//! unit, then each instance of the module is evaluated in an [`Env`] of its own (its variables
//! are the inputs, its `file()` calls are confined to the module's directory), and its outputs
//! become `module.NAME.OUTPUT` (`module.NAME["KEY"].OUTPUT` with `for_each`) for the caller.
//!
//! References through a module keep their meaning for the plan's ordering: an entity inside a
//! module that uses an input depends on what the input's value references in the caller, and
//! an entity of the caller that uses an output depends on what the output references.

use super::eval::{for_each_keys, Env};
use super::functions;
use super::module::{MAX_INSTANCES, META};
use super::parse::{Attr, Node};
use super::references::Reference;
use super::variables::{Input, Inputs};
use crate::model::Address;
use hcl::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Env<'a> {
    /// Evaluates `module "label" { … }` (see the module documentation).
    pub(super) fn module_call(&mut self, label: &str, node: &Node) {
        let key = format!("module.{label}");
        if self.instances_made.get() > MAX_INSTANCES {
            // Reported once where the limit was passed; evaluating the `for_each` of every
            // remaining call would only spend time on a configuration already refused.
            self.failed.insert(key);
            return;
        }
        let units: &'a [super::module::Unit] = self.units;
        let Some(&unit) = units[self.unit].calls.get(label) else {
            self.failed.insert(key); // its source was reported
            return;
        };
        let inputs: Vec<&Attr> = node
            .attrs
            .iter()
            .filter(|a| !META.contains(&a.key.as_str()))
            .collect();
        let Some(instances) = self.module_instances(node) else {
            self.failed.insert(key);
            return;
        };
        let made = self.instances_made.get() + instances.len();
        self.instances_made.set(made);
        if made > MAX_INSTANCES {
            self.error(
                node.header,
                format!("this configuration makes more than {MAX_INSTANCES} module instances"),
            )
            .help = Some("each instance evaluates the whole module again: use fewer for_each keys or fewer nested modules".to_owned());
            self.failed.insert(key);
            return;
        }
        let refs: Vec<&Reference> = inputs.iter().flat_map(|a| a.refs.iter()).collect();
        let mut ctx = self.context_for(&refs, &inputs);
        let mut by_key = Map::new();
        let mut single = None;
        let mut ok = true;
        for (instance_key, each) in instances {
            if let Some(each) = each {
                ctx.declare_var("each", each);
            }
            let here = match &instance_key {
                Some(k) => format!("module.{label}[{k:?}]"),
                None => format!("module.{label}"),
            };
            let path = match &self.path {
                Some(p) => format!("{p}.{here}"),
                None => here,
            };
            let mut values = Inputs::default();
            let mut var_refs = BTreeMap::new();
            for a in &inputs {
                let Some(value) = self.eval_in(a, &ctx) else {
                    ok = false;
                    continue;
                };
                let input = Input {
                    value,
                    origin: format!("the input `{}` of {path}", a.key),
                    strict: false,
                    at: Some(a.span),
                };
                values.values.insert(a.key.clone(), input);
                var_refs.insert(a.key.clone(), self.entity_refs(a.refs.iter()));
            }
            if !ok {
                continue; // an input failed, reported: the module would only report it again
            }
            let mut child = Env::new(
                self.map,
                units,
                unit,
                &self.account_id,
                Some(path),
                self.instances_made.clone(),
            );
            child.var_refs = var_refs;
            let dir = &units[unit].dir;
            let outputs = functions::with_file_root(dir, dir, || {
                child.run(&values);
                child.outputs()
            });
            let Some((values, refs)) = outputs else {
                ok = false;
                self.children.push(child);
                continue;
            };
            for (output, addresses) in refs {
                self.module_refs
                    .insert((label.to_owned(), instance_key.clone(), output), addresses);
            }
            match instance_key {
                Some(k) => {
                    by_key.insert(k, Value::Object(values));
                }
                None => single = Some(Value::Object(values)),
            }
            self.children.push(child);
        }
        if !ok {
            self.failed.insert(key);
            return;
        }
        let value = single.unwrap_or(Value::Object(by_key));
        self.modules.insert(label.to_owned(), value);
    }

    /// The instances a module block makes: one without `for_each` (no key, no `each`), else one
    /// per key with its `each` object. `None` when `for_each` failed (reported).
    fn module_instances(&mut self, node: &Node) -> Option<Vec<(Option<String>, Option<Value>)>> {
        let Some(a) = node.attr("for_each") else {
            return Some(vec![(None, None)]);
        };
        let refs: Vec<&Reference> = a.refs.iter().collect();
        let ctx = self.context_for(&refs, &[a]);
        let v = self.eval_in(a, &ctx)?;
        let keys = self.convert(a, &v, for_each_keys)?;
        Some(
            keys.into_iter()
                .map(|(k, v)| {
                    let mut each = Map::new();
                    each.insert("key".to_owned(), Value::String(k.clone()));
                    each.insert("value".to_owned(), v);
                    (Some(k), Some(Value::Object(each)))
                })
                .collect(),
        )
    }

    /// The values of this unit's `output` blocks and the entities each references; `None` when
    /// one of them could not be evaluated (reported).
    pub(super) fn outputs(&mut self) -> Option<(Map<String, Value>, OutputRefs)> {
        let mut values = Map::new();
        let mut refs = BTreeMap::new();
        let mut ok = true;
        for b in self.blocks().iter().filter(|b| b.ident == "output") {
            let Some(name) = b.label() else { continue };
            let Some(a) = b.attr("value") else {
                self.error(b.header, format!("output `{name}` has no `value`"))
                    .help = Some("e.g. value = role.ci.arn".to_owned());
                ok = false;
                continue;
            };
            match self.eval(a) {
                Some(v) => {
                    values.insert(name.to_owned(), v);
                    refs.insert(name.to_owned(), self.entity_refs(a.refs.iter()));
                }
                None => ok = false,
            }
        }
        ok.then_some((values, refs))
    }

    /// The entities a reference to `module…` names through the outputs it reads: `module.m`
    /// all of them, `module.m.out` (or `module.m["k"].out`) that output's.
    pub(super) fn output_refs(&self, r: &Reference) -> BTreeSet<Address> {
        let mut out = BTreeSet::new();
        for ((label, key, output), addresses) in &self.module_refs {
            if r.label.as_ref().is_some_and(|l| l != label) {
                continue;
            }
            let wanted = match (r.indexed, &r.attr, &r.field) {
                (true, Some(k), field) => {
                    key.as_ref() == Some(k) && field.as_ref().is_none_or(|f| f == output)
                }
                (false, Some(attr), _) if key.is_none() => attr == output,
                _ => true,
            };
            if wanted {
                out.extend(addresses.iter().cloned());
            }
        }
        out
    }
}

/// Output name -> the entities its value references.
pub(super) type OutputRefs = BTreeMap<String, BTreeSet<Address>>;
