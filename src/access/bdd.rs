//! A small reduced ordered binary decision diagram: the boolean formulas of the access model
//! (which statement applies when) over its atoms ("the resource is one of these patterns", "this
//! condition holds"). Canonical: two formulas are equal exactly when their nodes are, so "did the
//! access change" is one comparison, and the paths to `TRUE` of `new ∧ ¬old` are disjoint
//! regions of what was gained.

use std::collections::HashMap;

/// A node: `FALSE`, `TRUE`, or an index into the diagram.
pub type Node = u32;
pub const FALSE: Node = 0;
pub const TRUE: Node = 1;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    And,
    Or,
    Not,
}

fn is_terminal(n: Node) -> bool {
    n == FALSE || n == TRUE
}

/// The variables are atom ids; smaller ids are nearer the root.
pub struct Bdd {
    /// (variable, low, high); the first two entries stand for the terminals.
    nodes: Vec<(u32, Node, Node)>,
    unique: HashMap<(u32, Node, Node), Node>,
    memo: HashMap<(Op, Node, Node), Node>,
}

impl Default for Bdd {
    fn default() -> Self {
        Bdd {
            nodes: vec![(u32::MAX, FALSE, FALSE), (u32::MAX, TRUE, TRUE)],
            unique: HashMap::new(),
            memo: HashMap::new(),
        }
    }
}

impl Bdd {
    fn var_of(&self, n: Node) -> u32 {
        self.nodes[n as usize].0
    }

    fn make(&mut self, var: u32, low: Node, high: Node) -> Node {
        if low == high {
            return low;
        }
        if let Some(n) = self.unique.get(&(var, low, high)) {
            return *n;
        }
        let n = self.nodes.len() as Node;
        self.nodes.push((var, low, high));
        self.unique.insert((var, low, high), n);
        n
    }

    /// The formula "atom `var` is true" (or false, with `positive` false).
    pub fn literal(&mut self, var: u32, positive: bool) -> Node {
        if positive {
            self.make(var, FALSE, TRUE)
        } else {
            self.make(var, TRUE, FALSE)
        }
    }

    pub fn not(&mut self, a: Node) -> Node {
        match a {
            FALSE => TRUE,
            TRUE => FALSE,
            _ => {
                if let Some(n) = self.memo.get(&(Op::Not, a, a)) {
                    return *n;
                }
                let (var, low, high) = self.nodes[a as usize];
                let (l, h) = (self.not(low), self.not(high));
                let n = self.make(var, l, h);
                self.memo.insert((Op::Not, a, a), n);
                n
            }
        }
    }

    pub fn and(&mut self, a: Node, b: Node) -> Node {
        self.binary(Op::And, a, b)
    }

    pub fn or(&mut self, a: Node, b: Node) -> Node {
        self.binary(Op::Or, a, b)
    }

    /// `a op b` for `And` and `Or`: the terminal that decides `op` (`FALSE` for `And`, `TRUE`
    /// for `Or`) wins, the other terminal gives way to the other side, and `x op x` is `x`.
    fn binary(&mut self, op: Op, a: Node, b: Node) -> Node {
        let deciding = if op == Op::And { FALSE } else { TRUE };
        if a == deciding || b == deciding {
            deciding
        } else if is_terminal(a) || a == b {
            b
        } else if is_terminal(b) {
            a
        } else {
            self.apply(op, a, b)
        }
    }

    fn apply(&mut self, op: Op, a: Node, b: Node) -> Node {
        let key = if a < b { (op, a, b) } else { (op, b, a) };
        if let Some(n) = self.memo.get(&key) {
            return *n;
        }
        let (va, vb) = (self.var_of(a), self.var_of(b));
        let var = va.min(vb);
        let (a0, a1) = if va == var {
            let (_, l, h) = self.nodes[a as usize];
            (l, h)
        } else {
            (a, a)
        };
        let (b0, b1) = if vb == var {
            let (_, l, h) = self.nodes[b as usize];
            (l, h)
        } else {
            (b, b)
        };
        let (low, high) = (self.binary(op, a0, b0), self.binary(op, a1, b1));
        let n = self.make(var, low, high);
        self.memo.insert(key, n);
        n
    }

    /// The conjunction of literals.
    pub fn cube(&mut self, literals: &[(u32, bool)]) -> Node {
        let mut acc = TRUE;
        for &(var, positive) in literals {
            let l = self.literal(var, positive);
            acc = self.and(acc, l);
        }
        acc
    }

    /// Every path from `root` to `TRUE`, as the literals along it: disjoint cubes whose union is
    /// the formula. At most `limit` of them (then `None`).
    pub fn paths(&self, root: Node, limit: usize) -> Option<Vec<Vec<(u32, bool)>>> {
        let mut out = Vec::new();
        let mut stack: Vec<(Node, Vec<(u32, bool)>)> = vec![(root, Vec::new())];
        while let Some((n, path)) = stack.pop() {
            match n {
                FALSE => {}
                TRUE => {
                    if out.len() == limit {
                        return None;
                    }
                    out.push(path);
                }
                _ => {
                    let (var, low, high) = self.nodes[n as usize];
                    let mut with_low = path.clone();
                    with_low.push((var, false));
                    let mut with_high = path;
                    with_high.push((var, true));
                    stack.push((low, with_low));
                    stack.push((high, with_high));
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_canonical() {
        let mut b = Bdd::default();
        let (x, y) = (b.literal(0, true), b.literal(1, true));
        let xy = b.and(x, y);
        let yx = b.and(y, x);
        assert_eq!(xy, yx);
        // De Morgan: ¬(x ∧ y) = ¬x ∨ ¬y.
        let nxy = b.not(xy);
        let (nx, ny) = (b.not(x), b.not(y));
        assert_eq!(nxy, b.or(nx, ny));
        // x ∧ ¬x is false; x ∨ ¬x is true.
        assert_eq!(b.and(x, nx), FALSE);
        assert_eq!(b.or(x, nx), TRUE);
        // new ∧ ¬old for old = x, new = x ∨ y: y ∧ ¬x.
        let new = b.or(x, y);
        let gained = b.and(new, nx);
        assert_eq!(
            b.paths(gained, 10).unwrap(),
            vec![vec![(0, false), (1, true)]]
        );
        assert_eq!(b.paths(TRUE, 10).unwrap(), vec![Vec::<(u32, bool)>::new()]);
        assert!(b.paths(FALSE, 10).unwrap().is_empty());
        assert!(b.paths(new, 1).is_none());
    }
}
