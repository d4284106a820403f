"""Pretty-printers for Node's intrusive lists, for programs whose debug info
has Node's C++ types (debug builds of Node, embedders built with -g):

  node::ListHead<T, &T::member>  the list as children (array hint), each
                                 element a T (its dynamic type when T is
                                 polymorphic), shown by its own printer
  node::ListNode<T>              whether the node is linked, and its links

A ListHead holds one ListNode<T> `head_`; the list is circular through the
nodes' next_ pointers, back to the head; an element is its node's address
minus the offset of `member` in T. The walk is bounded (100 000 nodes) and
stops at a repeated node, a null link or unreadable memory, saying so.

Pure GDB: these need no node binary metadata and no C++ module.
"""

import re

import gdb
import gdb.printing

MAX_NODES = 100000


def _strip(type_):
    return type_.strip_typedefs().unqualified()


def _fields_with_offsets(type_, base=0, depth=0):
    """(name, offset in bytes, field type) of every data member of a class
    and its base classes (non-virtual bases)."""
    if depth > 8:
        return
    for field in _strip(type_).fields():
        if not hasattr(field, "bitpos"):
            continue  # static members
        if field.is_base_class:
            yield from _fields_with_offsets(field.type, base + field.bitpos // 8, depth + 1)
        elif field.name:
            yield field.name, base + field.bitpos // 8, _strip(field.type)


def _is_list_node(type_):
    return _strip(type_).tag is not None and re.match(r"^node::ListNode<.*>$", _strip(type_).tag) is not None


class _ListLayout:
    """What a ListHead's type says: the element type, the member holding the
    node and its offset, the offsets of prev_ and next_ in a node."""

    def __init__(self, head_type):
        head_type = _strip(head_type)
        self.element_type = _strip(head_type.template_argument(0))
        self.node_type = None
        for name, offset, ftype in _fields_with_offsets(head_type):
            if name == "head_":
                self.node_type = ftype
                self.head_offset = offset
        if self.node_type is None:
            raise gdb.GdbError("%s has no head_ member" % head_type)
        links = {name: offset for name, offset, _ in _fields_with_offsets(self.node_type)}
        if "next_" not in links or "prev_" not in links:
            raise gdb.GdbError("%s has no prev_/next_ members" % self.node_type)
        self.next, self.prev = links["next_"], links["prev_"]
        self.member, self.member_offset = self._member(head_type)

    def _member(self, head_type):
        # The member pointer template argument names the member; GDB shows it
        # as "&T::member" in the type's name. Failing that, the one member of
        # T whose type is this list's node type.
        m = re.search(r",\s*&(?:.*::)?(\w+)>\s*$", head_type.tag or str(head_type))
        candidates = [(name, offset) for name, offset, ftype in _fields_with_offsets(self.element_type)
                      if _is_list_node(ftype) and ftype.tag == self.node_type.tag]
        if m:
            for name, offset in candidates:
                if name == m.group(1):
                    return name, offset
            for name, offset, _ in _fields_with_offsets(self.element_type):
                if name == m.group(1):
                    return name, offset
        if len(candidates) == 1:
            return candidates[0]
        raise gdb.GdbError("cannot tell which member of %s links %s" % (self.element_type, head_type))


def _read_pointer(address):
    data = gdb.selected_inferior().read_memory(address, 8).tobytes()
    return int.from_bytes(data, "little")


def walk(head_address, layout, limit=MAX_NODES):
    """Node addresses of the list in order, and an error text or None."""
    nodes = []
    seen = {head_address}
    previous = head_address
    try:
        node = _read_pointer(head_address + layout.next)
    except gdb.MemoryError:
        return nodes, "cannot read head_.next_ at %#x" % (head_address + layout.next)
    while node != head_address:
        link_at = previous + layout.next
        if len(nodes) >= limit:
            return nodes, "stopped after %d nodes without coming back to the head" % limit
        if node == 0 or node % 8:
            return nodes, "next_ at %#x holds %#x, not a node" % (link_at, node)
        if node in seen:
            return nodes, "next_ at %#x leads back to %#x, a cycle that misses the head" % (link_at, node)
        seen.add(node)
        try:
            back = _read_pointer(node + layout.prev)
            following = _read_pointer(node + layout.next)
        except gdb.MemoryError:
            return nodes, "next_ at %#x holds %#x, which cannot be read" % (link_at, node)
        if back != previous:
            return nodes, "node %#x has prev_ %#x, expected %#x: the list is corrupt" % (node, back, previous)
        nodes.append(node)
        previous, node = node, following
    return nodes, None


class ListHeadPrinter:
    """node::ListHead<T, M>: '... with N elements' and the elements."""

    def __init__(self, value):
        self.value = value
        self._nodes = None
        self._error = None
        self._layout = None

    def _load(self):
        if self._nodes is None:
            try:
                self._layout = _ListLayout(self.value.type)
                head = int(self.value.address) + self._layout.head_offset
                self._nodes, self._error = walk(head, self._layout)
            except (gdb.error, gdb.GdbError, ValueError, TypeError, AttributeError, RuntimeError) as e:
                self._nodes, self._error = [], str(e).splitlines()[0] if str(e) else type(e).__name__
            except gdb.MemoryError as e:
                self._nodes, self._error = [], str(e)
        return self._nodes

    def to_string(self):
        nodes = self._load()
        element = self._layout.element_type if self._layout else "?"
        text = "node::ListHead<%s> with %d element%s" % (element, len(nodes), "" if len(nodes) == 1 else "s")
        if self._error:
            text += " (walk stopped: %s)" % self._error
        return text

    def display_hint(self):
        return "array"

    def children(self):
        nodes = self._load()
        if not nodes:
            return
        pointer_type = self._layout.element_type.pointer()
        for i, node in enumerate(nodes):
            try:
                element = gdb.Value(node - self._layout.member_offset).cast(pointer_type)
                try:
                    element = element.cast(element.dynamic_type)
                except gdb.error:
                    pass
                yield "[%d]" % i, element.dereference()
            except gdb.error as e:
                yield "[%d]" % i, "<%s>" % str(e).splitlines()[0]


class ListNodePrinter:
    """node::ListNode<T>: linked or not, and its links."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        try:
            address = int(self.value.address)
            prev = int(self.value["prev_"])
            next_ = int(self.value["next_"])
        except gdb.error as e:
            return "<node-gdb: %s>" % str(e).splitlines()[0]
        if prev == address and next_ == address:
            return "node::ListNode (not in a list)"
        return "node::ListNode (linked: prev_ %#x, next_ %#x)" % (prev, next_)


def build_collection():
    collection = gdb.printing.RegexpCollectionPrettyPrinter("node-gdb-lists")
    collection.add_printer("node::ListHead", r"^node::ListHead<.*>$", ListHeadPrinter)
    collection.add_printer("node::ListNode", r"^node::ListNode<.*>$", ListNodePrinter)
    return collection


def register():
    gdb.printing.register_pretty_printer(None, build_collection(), replace=True)
