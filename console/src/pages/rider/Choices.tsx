import { Radio, type RadioGroupProps } from 'antd';

/**
 * The rider's big one-hand choices (`rider-choices`: one card a line). A Radio.Group inside a required
 * Form.Item: drops the `aria-required` a radiogroup-less <div> may not carry (as FieldSelect).
 */
export function Choices(props: RadioGroupProps & { 'aria-required'?: string | boolean }) {
  const { 'aria-required': _dropped, ...rest } = props;
  return <Radio.Group {...rest} />;
}
