/**
 * Accessibility repairs to GraphiQL's own markup, so the page passes axe-core:
 * - its operation tabs are `role="tab"` items holding two buttons (select, close), which nests
 *   interactive controls; they become a plain list of buttons, the active one `aria-current`;
 * - (in graphiql.css) text colours below WCAG AA contrast are darkened.
 */
function repair(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('ul.graphiql-tabs[role="tablist"]').forEach((list) => list.removeAttribute('role'));
  root.querySelectorAll<HTMLElement>('li.graphiql-tab').forEach((item) => {
    if (item.hasAttribute('role')) item.removeAttribute('role');
    if (item.hasAttribute('aria-selected')) item.removeAttribute('aria-selected');
    const button = item.querySelector<HTMLElement>('.graphiql-tab-button');
    const active = item.classList.contains('graphiql-tab-active');
    if (button && (button.getAttribute('aria-current') === 'true') !== active) {
      if (active) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  });
}

export function repairAccessibility(root: HTMLElement): void {
  const observer = new MutationObserver(() => repair(root));
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'class', 'aria-selected'] });
  repair(root);
}
