import { Select, type SelectProps } from 'antd';

/**
 * antd's Select inside a required Form.Item: Form.Item gives its child `aria-required`, which Select puts on
 * its wrapping <div> (no role), an ARIA attribute that element may not carry (axe: aria-allowed-attr,
 * critical). The required mark and the validation message stay; the misplaced attribute is dropped.
 */
export function FieldSelect(props: SelectProps & { 'aria-required'?: string | boolean }) {
  const { 'aria-required': _dropped, ...rest } = props;
  return <Select {...rest} />;
}
