// Views, reshaping, indexing, joining and splitting.
#include "shim.h"

VT_TENSOR_FN(view, (TH t, const int64_t* shape, int64_t n, TH* out), t->view(vt::ints(shape, n)))
// Reinterprets the bytes as another element type (same storage); with another element size the last dim rescales.
VT_TENSOR_FN(view_dtype, (TH t, int dtype, TH* out), t->view(static_cast<at::ScalarType>(dtype)))
VT_TENSOR_FN(reshape, (TH t, const int64_t* shape, int64_t n, TH* out), t->reshape(vt::ints(shape, n)))
VT_TENSOR_FN(permute, (TH t, const int64_t* dims, int64_t n, TH* out), t->permute(vt::ints(dims, n)))
VT_TENSOR_FN(transpose, (TH t, int64_t d0, int64_t d1, TH* out), t->transpose(d0, d1))
VT_TENSOR_FN(t, (TH t, TH* out), t->t())
VT_TENSOR_FN(flatten, (TH t, int64_t start, int64_t end, TH* out), t->flatten(start, end))
VT_TENSOR_FN(unflatten, (TH t, int64_t dim, const int64_t* sizes, int64_t n, TH* out),
             t->unflatten(dim, vt::ints(sizes, n)))
VT_TENSOR_FN(unsqueeze, (TH t, int64_t dim, TH* out), t->unsqueeze(dim))
VT_TENSOR_FN(squeeze, (TH t, TH* out), t->squeeze())
VT_TENSOR_FN(squeeze_dim, (TH t, int64_t dim, TH* out), t->squeeze(dim))
VT_TENSOR_FN(expand, (TH t, const int64_t* shape, int64_t n, TH* out), t->expand(vt::ints(shape, n)))
VT_TENSOR_FN(slice, (TH t, int64_t dim, int64_t start, int64_t end, int64_t step, TH* out),
             t->slice(dim, start, end, step))
VT_TENSOR_FN(narrow, (TH t, int64_t dim, int64_t start, int64_t length, TH* out), t->narrow(dim, start, length))
VT_TENSOR_FN(select, (TH t, int64_t dim, int64_t index, TH* out), t->select(dim, index))

// Advanced indexing (t[i0, i1, ...]) with index tensors or masks; a null entry keeps that dim whole.
VT_API int vt_index(TH t, const TH* indices, int64_t n, TH* out) {
  VT_BODY(
      c10::List<c10::optional<at::Tensor>> list;
      for (int64_t i = 0; i < n; ++i) list.push_back(vt::opt(indices[i]));
      *out = vt::wrap(t->index(list)))
}
VT_API int vt_index_put_(TH t, const TH* indices, int64_t n, TH values, int accumulate) {
  VT_BODY(
      c10::List<c10::optional<at::Tensor>> list;
      for (int64_t i = 0; i < n; ++i) list.push_back(vt::opt(indices[i]));
      t->index_put_(list, *values, accumulate != 0))
}

VT_TENSOR_FN(index_select, (TH t, int64_t dim, TH index, TH* out), t->index_select(dim, *index))
VT_TENSOR_FN(gather, (TH t, int64_t dim, TH index, TH* out), t->gather(dim, *index))
VT_TENSOR_FN(scatter, (TH t, int64_t dim, TH index, TH src, TH* out), t->scatter(dim, *index, *src))
VT_TENSOR_FN(scatter_value, (TH t, int64_t dim, TH index, double value, TH* out), t->scatter(dim, *index, value))
VT_TENSOR_FN(scatter_add, (TH t, int64_t dim, TH index, TH src, TH* out), t->scatter_add(dim, *index, *src))
VT_API int vt_scatter_(TH t, int64_t dim, TH index, TH src) { VT_BODY(t->scatter_(dim, *index, *src)) }
VT_API int vt_scatter_add_(TH t, int64_t dim, TH index, TH src) { VT_BODY(t->scatter_add_(dim, *index, *src)) }

VT_TENSOR_FN(cat, (const TH* ts, int64_t n, int64_t dim, TH* out), at::cat(vt::tensors(ts, n), dim))
VT_TENSOR_FN(stack, (const TH* ts, int64_t n, int64_t dim, TH* out), at::stack(vt::tensors(ts, n), dim))

// Splits into pieces of the given sizes; `outs` has room for `n` handles.
VT_API int vt_split_with_sizes(TH t, const int64_t* sizes, int64_t n, int64_t dim, TH* outs) {
  VT_BODY(
      auto parts = t->split_with_sizes(vt::ints(sizes, n), dim);
      for (size_t i = 0; i < parts.size(); ++i) outs[i] = vt::wrap(std::move(parts[i])))
}

VT_TENSOR_FN(where, (TH cond, TH a, TH b, TH* out), at::where(*cond, *a, *b))
VT_TENSOR_FN(masked_fill, (TH t, TH mask, double value, TH* out), t->masked_fill(*mask, value))
VT_TENSOR_FN(masked_fill_tensor, (TH t, TH mask, TH value, TH* out), t->masked_fill(*mask, *value))
VT_API int vt_masked_fill_(TH t, TH mask, double value) { VT_BODY(t->masked_fill_(*mask, value)) }
VT_TENSOR_FN(roll, (TH t, const int64_t* shifts, const int64_t* dims, int64_t n, TH* out),
             t->roll(vt::ints(shifts, n), vt::ints(dims, n)))
VT_TENSOR_FN(flip, (TH t, const int64_t* dims, int64_t n, TH* out), t->flip(vt::ints(dims, n)))
VT_TENSOR_FN(tril, (TH t, int64_t diagonal, TH* out), t->tril(diagonal))
VT_TENSOR_FN(triu, (TH t, int64_t diagonal, TH* out), t->triu(diagonal))
