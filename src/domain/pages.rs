//! The school's standing pages (Điều 7.1, 10.2a) form a simple tree: each names at most one
//! parent. The rules of that tree, free of storage.

/// Whether making `parent` the parent of `own` closes a circle, given every other page's
/// `(page, parent)`: `own` itself, or a page that descends from it.
pub fn closes_a_circle(parents: &[(&str, &str)], own: &str, parent: &str) -> bool {
    let mut at = parent;
    // Each step climbs one level; more steps than pages means a circle already stored.
    for _ in 0..=parents.len() {
        if at == own {
            return true;
        }
        match parents.iter().find(|(page, _)| *page == at) {
            Some((_, up)) => at = up,
            None => return false,
        }
    }
    true
}

/// A page in the public tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<T> {
    pub item: T,
    pub children: Vec<Node<T>>,
}

/// Builds the tree of `pages` (each with its id and its parent's): a page whose parent is not
/// among them is a root. Siblings keep the order given.
pub fn tree<T>(
    pages: Vec<T>,
    id: impl Fn(&T) -> &str,
    parent: impl Fn(&T) -> Option<&str>,
) -> Vec<Node<T>> {
    let ids: Vec<String> = pages.iter().map(|p| id(p).to_owned()).collect();
    let parents: Vec<Option<String>> = pages
        .iter()
        .map(|p| {
            parent(p)
                .filter(|up| ids.iter().any(|i| i == up) && *up != id(p))
                .map(str::to_owned)
        })
        .collect();
    let mut slots: Vec<Option<T>> = pages.into_iter().map(Some).collect();
    fn grow<T>(
        at: Option<&str>,
        ids: &[String],
        parents: &[Option<String>],
        slots: &mut [Option<T>],
        depth: usize,
    ) -> Vec<Node<T>> {
        let mut out = Vec::new();
        if depth > ids.len() {
            return out;
        }
        for i in 0..ids.len() {
            if parents[i].as_deref() == at
                && let Some(item) = slots[i].take()
            {
                let children = grow(Some(&ids[i]), ids, parents, slots, depth + 1);
                out.push(Node { item, children });
            }
        }
        out
    }
    let mut roots = grow(None, &ids, &parents, &mut slots, 0);
    // Pages caught in a stored circle have no root above them: show them at the top level.
    for slot in slots.iter_mut() {
        if let Some(item) = slot.take() {
            roots.push(Node {
                item,
                children: Vec::new(),
            });
        }
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_cannot_sit_under_itself_or_its_descendants() {
        let parents = [
            ("lich-su", "gioi-thieu"),
            ("to-chuc", "gioi-thieu"),
            ("to-van-phong", "to-chuc"),
        ];
        assert!(closes_a_circle(&parents, "gioi-thieu", "gioi-thieu"));
        assert!(closes_a_circle(&parents, "gioi-thieu", "to-van-phong"));
        assert!(closes_a_circle(&parents, "to-chuc", "to-van-phong"));
        assert!(!closes_a_circle(&parents, "to-van-phong", "lich-su"));
        assert!(!closes_a_circle(&parents, "lien-he", "gioi-thieu"));
    }

    #[test]
    fn the_tree_keeps_sibling_order_and_lifts_orphans() {
        let pages = vec![
            ("gioi-thieu", None),
            ("to-chuc", Some("gioi-thieu")),
            ("lich-su", Some("gioi-thieu")),
            ("lien-he", None),
            ("mo-coi", Some("khong-cong-khai")),
            ("to-van-phong", Some("to-chuc")),
        ];
        let t = tree(pages, |p| p.0, |p| p.1);
        fn names(nodes: &[Node<(&'static str, Option<&'static str>)>]) -> Vec<&'static str> {
            nodes.iter().map(|n| n.item.0).collect()
        }
        assert_eq!(names(&t), ["gioi-thieu", "lien-he", "mo-coi"]);
        assert_eq!(names(&t[0].children), ["to-chuc", "lich-su"]);
        assert_eq!(names(&t[0].children[0].children), ["to-van-phong"]);
    }

    #[test]
    fn a_stored_circle_still_shows_every_page() {
        let pages = vec![("a", Some("b")), ("b", Some("a")), ("c", None)];
        let t = tree(pages, |p| p.0, |p| p.1);
        let mut names: Vec<&str> = t.iter().map(|n| n.item.0).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
